// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "obuf.h"
#include "traceloop/proto.h"

int tlp_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int tlp_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			return -EPIPE;
		p += n;
		len -= n;
	}
	return 0;
}

int tlp_send_frame(int fd, char type, const void *data, size_t len)
{
	char hdr[5];
	uint32_t l = len;
	int err;

	if (len > TLP_MAX_FRAME)
		return -EMSGSIZE;
	hdr[0] = type;
	memcpy(hdr + 1, &l, 4);
	err = tlp_write_all(fd, hdr, sizeof(hdr));
	return err ? err : tlp_write_all(fd, data, len);
}

void tlp_frame(struct obuf *b, char type, const void *data, size_t len)
{
	uint32_t l = len;

	ob_putc(b, type);
	ob_write(b, &l, 4);
	ob_write(b, data, len);
}

int tlp_split_args(char *buf, size_t len, char **argv, int max)
{
	int argc = 0;
	size_t off = 0;

	if (len && buf[len - 1])
		return -EINVAL;
	while (off < len) {
		if (argc >= max)
			return -EINVAL;
		argv[argc++] = buf + off;
		off += strlen(buf + off) + 1;
	}
	return argc;
}
