#!/usr/bin/env python3
# Print the docker run arguments (one per line) that give a container what
# deploy/daemonset.yaml gives the agent's pod: its security context,
# capabilities, host PID namespace, mounts, environment (NODE_NAME from the
# downward API as argv[2]) and args. Read from the manifest itself, so the
# test and the manifest cannot drift; anything this does not translate
# stops the test rather than being skipped.
import os
import sys
import yaml

KNOWN_SC = {"privileged", "allowPrivilegeEscalation", "readOnlyRootFilesystem",
            "runAsUser", "seccompProfile", "capabilities"}


def die(msg):
    sys.exit("manifest2docker: " + msg)


def main():
    path, node = sys.argv[1], sys.argv[2]
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    ds = next((d for d in docs if d.get("kind") == "DaemonSet"), None) or die("no DaemonSet")
    pod = ds["spec"]["template"]
    spec = pod["spec"]
    (c,) = spec["containers"]
    sc = c.get("securityContext", {})
    unknown = set(sc) - KNOWN_SC
    if unknown:
        die("untranslated securityContext keys: %s" % sorted(unknown))
    out = []
    if sc.get("privileged"):
        out.append("--privileged")
    if sc.get("allowPrivilegeEscalation") is False:
        out += ["--security-opt", "no-new-privileges"]
    if sc.get("readOnlyRootFilesystem"):
        out.append("--read-only")
    if "runAsUser" in sc:
        out += ["--user", str(sc["runAsUser"])]
    seccomp = sc.get("seccompProfile", {}).get("type", "RuntimeDefault")
    if seccomp == "Unconfined":
        out += ["--security-opt", "seccomp=unconfined"]
    elif seccomp != "RuntimeDefault":
        die("seccomp profile %s" % seccomp)
    annotations = pod.get("metadata", {}).get("annotations", {})
    aa = annotations.get("container.apparmor.security.beta.kubernetes.io/" + c["name"])
    if aa == "unconfined":
        out += ["--security-opt", "apparmor=unconfined"]
    caps = sc.get("capabilities", {})
    for cap in caps.get("drop", []):
        out += ["--cap-drop", cap]
    for cap in caps.get("add", []):
        out += ["--cap-add", cap]
    if spec.get("hostPID"):
        out += ["--pid", "host"]
    if spec.get("hostNetwork"):
        out += ["--network", "host"]
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        v = volumes[m["name"]]
        if "hostPath" in v:
            if v["hostPath"].get("type") == "DirectoryOrCreate":
                os.makedirs(v["hostPath"]["path"], mode=0o755, exist_ok=True)
            ro = ",readonly" if m.get("readOnly") else ""
            out += ["--mount", "type=bind,source=%s,target=%s%s" % (v["hostPath"]["path"], m["mountPath"], ro)]
        elif "emptyDir" in v:
            out += ["--tmpfs", m["mountPath"]]
        else:
            die("volume %s: only hostPath and emptyDir" % m["name"])
    for e in c.get("env", []):
        if "value" in e:
            out += ["-e", "%s=%s" % (e["name"], e["value"])]
        elif e.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "spec.nodeName":
            out += ["-e", "%s=%s" % (e["name"], node)]
        else:
            die("env %s: untranslated source" % e["name"])
    out.append("IMAGE")
    out += c.get("args", [])
    print("\n".join(out))


main()
