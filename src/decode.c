// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include "decode.h"

#define E(x) [x] = #x
static const char *const errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
	E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
	E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK),
	E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENOSTR),
	E(ENODATA), E(ETIME), E(ENOSR), E(ENOLINK), E(EPROTO), E(EBADMSG),
	E(EOVERFLOW), E(EILSEQ), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ),
	E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
	E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT),
	E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH),
	E(ENETRESET), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN),
	E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY),
	E(EINPROGRESS), E(ESTALE), E(EDQUOT), E(ECANCELED), E(EOWNERDEAD),
	E(ENOTRECOVERABLE), E(ERFKILL), E(EHWPOISON), E(ENOKEY), E(EKEYEXPIRED),
	E(EKEYREVOKED), E(EKEYREJECTED), E(EMEDIUMTYPE), E(ENOMEDIUM),
	E(EREMOTEIO), E(EISNAM), E(ENAVAIL), E(ENOTNAM), E(EUCLEAN), E(ESTRPIPE),
	E(ELIBEXEC), E(ELIBMAX), E(ELIBSCN), E(ELIBBAD), E(ELIBACC), E(EREMCHG),
	E(EBADFD), E(ENOTUNIQ), E(ECOMM), E(ESRMNT), E(EADV), E(EREMOTE),
	E(ENONET), E(ENOPKG), E(EBFONT), E(EBADSLT), E(EBADRQC), E(ENOANO),
	E(EXFULL), E(EBADR), E(EBADE), E(EL2HLT), E(ENOCSI), E(EUNATCH),
	E(ELNRNG), E(EL3RST), E(EL3HLT), E(EL2NSYNC), E(ECHRNG), E(EMULTIHOP),
	E(EDOTDOT),
};
#undef E

const char *errno_name(int err)
{
	if (err <= 0 || (size_t)err >= sizeof(errno_names) / sizeof(errno_names[0]))
		return NULL;
	return errno_names[err];
}

static const struct {
	uint32_t bit;
	const char *name;
} open_flag_names[] = {
	{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" },
	{ O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
	{ O_DSYNC, "O_DSYNC" }, { 020000 /* FASYNC */, "O_ASYNC" },
	{ 040000 /* O_DIRECT */, "O_DIRECT" }, { 0100000 /* O_LARGEFILE */, "O_LARGEFILE" },
	{ 0200000 /* O_DIRECTORY */, "O_DIRECTORY" }, { 0400000 /* O_NOFOLLOW */, "O_NOFOLLOW" },
	{ 01000000 /* O_NOATIME */, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" },
	{ 04000000 /* __O_SYNC */, "O_SYNC" }, { 010000000 /* O_PATH */, "O_PATH" },
	{ 020000000 /* __O_TMPFILE */, "O_TMPFILE" },
};

size_t decode_open_flags(uint32_t flags, char *buf, size_t len)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	uint32_t rest = flags & ~O_ACCMODE;
	size_t n;

	if (!len)
		return 0;
	n = snprintf(buf, len, "%s", acc[flags & O_ACCMODE]);
	for (size_t i = 0; i < sizeof(open_flag_names) / sizeof(open_flag_names[0]); i++) {
		if (!(rest & open_flag_names[i].bit) || n >= len)
			continue;
		n += snprintf(buf + n, len - n, "|%s", open_flag_names[i].name);
		rest &= ~open_flag_names[i].bit;
	}
	if (rest && n < len)
		n += snprintf(buf + n, len - n, "|0%o", rest);
	return n < len ? n : len - 1;
}

size_t decode_mode(uint32_t mode, char *buf, size_t len)
{
	int n = snprintf(buf, len, "0%03o", mode & 07777);

	if (n < 0 || !len)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}
