// SPDX-License-Identifier: Apache-2.0
/*
 * empty_tp_btf: attach a program that returns 0 at once to each tp_btf
 * tracepoint named, then wait for a signal. The floor of a gadget whose
 * hooks are tp_btf (top_tcp's sock_send_length and sock_recv_length): what
 * any program there costs. bpftrace 0.17 has no tp_btf (rawtracepoint)
 * probes, and its `tracepoint:` probes take the perf path, another cost.
 * The program is two instructions, so no BPF object is built for it.
 *
 *   empty_tp_btf TRACEPOINT...
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static int attach_empty(const struct btf *vmlinux, const char *tp)
{
	const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP);
	char typedef_name[128];
	int id, prog;

	snprintf(typedef_name, sizeof(typedef_name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(vmlinux, typedef_name, BTF_KIND_TYPEDEF);
	if (id < 0) {
		fprintf(stderr, "empty_tp_btf: the kernel has no tracepoint %s\n", tp);
		return -1;
	}
	opts.attach_btf_id = id;
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "empty", "GPL", ret0, 2, &opts);
	if (prog < 0 || bpf_raw_tracepoint_open(NULL, prog) < 0) {
		perror("empty_tp_btf: load or attach");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();

	if (argc < 2) {
		fprintf(stderr, "usage: %s TRACEPOINT...\n", argv[0]);
		return 2;
	}
	if (!vmlinux) {
		perror("empty_tp_btf: vmlinux BTF");
		return 1;
	}
	for (int i = 1; i < argc; i++)
		if (attach_empty(vmlinux, argv[i]))
			return 1;
	btf__free(vmlinux);
	/* Attached until killed: the links are this process's fds. */
	pause();
	return 0;
}
