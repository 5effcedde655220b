# SPDX-License-Identifier: Apache-2.0
# The node agent's packaging: make image (an OCI image FROM scratch with
# ig-static, built offline by Docker), make deb (dpkg-deb), and the man
# pages make install puts in place.

IMAGE        ?= ig:latest
IMAGE_MAX_MB ?= 5

.PHONY: image

image: ig-static
	$(Q)rm -rf $(BUILD)/image && mkdir -p $(BUILD)/image
	$(Q)cp ig-static deploy/Dockerfile $(BUILD)/image/
	$(call msg,IMAGE,$(IMAGE))
	$(Q)DOCKER_BUILDKIT=0 docker build -q -t $(IMAGE) $(BUILD)/image >/dev/null 2>$(BUILD)/image/build.log || { cat $(BUILD)/image/build.log >&2; exit 1; }
	$(Q)size=$$(docker image inspect -f '{{.Size}}' $(IMAGE)); \
	  echo "  image $(IMAGE): $$size bytes"; \
	  [ $$size -le $$(($(IMAGE_MAX_MB) * 1024 * 1024)) ] || \
	  { echo "image: $$size bytes, more than $(IMAGE_MAX_MB) MB" >&2; exit 1; }

# ---- man pages: from the binary's own --help tables ------------------------
MANDIR ?= $(PREFIX)/share/man
.PHONY: man install-man

man: $(BUILD)/man/.stamp
$(BUILD)/man/.stamp: ig scripts/gen-man.sh
	$(call msg,MAN,$(BUILD)/man)
	$(Q)rm -rf $(BUILD)/man && ./scripts/gen-man.sh ./ig $(BUILD)/man && touch $@

install: install-man
install-man: man
	$(Q)install -d $(DESTDIR)$(MANDIR)/man8
	$(Q)for p in $(BUILD)/man/*.8; do gzip -9n <$$p >$(DESTDIR)$(MANDIR)/man8/$${p##*/}.gz; \
	  chmod 0644 $(DESTDIR)$(MANDIR)/man8/$${p##*/}.gz; done

# ---- make deb: the static binary, man pages, the systemd unit --------------
DEB_VERSION := $(shell sed -n 's/^\#define IG_VERSION "\(.*\)"/\1/p' src/ig.h)
DEB         := ig_$(DEB_VERSION)_amd64.deb
.PHONY: deb

deb: $(DEB)
$(DEB): ig-static man deploy/ig.service deploy/ig.yaml $(wildcard deploy/debian/*)
	$(call msg,DEB,$@)
	$(Q)rm -rf $(BUILD)/deb && r=$(BUILD)/deb/root && \
	  install -D -m 0755 ig-static $$r/usr/bin/ig && \
	  $(MAKE) --no-print-directory install-man DESTDIR=$$r PREFIX=/usr && \
	  install -D -m 0644 deploy/ig.service $$r/lib/systemd/system/ig.service && \
	  install -D -m 0644 deploy/ig.yaml $$r/etc/ig/ig.yaml && \
	  install -D -m 0644 LICENSE $$r/usr/share/doc/ig/copyright && \
	  install -d -m 0755 $$r/DEBIAN && \
	  install -m 0644 deploy/debian/conffiles $$r/DEBIAN/ && \
	  install -m 0755 deploy/debian/postinst deploy/debian/prerm deploy/debian/postrm $$r/DEBIAN/ && \
	  sed -e 's/@VERSION@/$(DEB_VERSION)/' -e "s/@SIZE@/$$(du -sk $$r | cut -f1)/" \
	    deploy/debian/control >$$r/DEBIAN/control && \
	  dpkg-deb --root-owner-group -Zxz --build $$r $@ >/dev/null
	@ls -l $@ | awk '{print "  package: " $$5 " bytes"}'
