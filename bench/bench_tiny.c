// SPDX-License-Identifier: Apache-2.0
/*
 * bench_tiny: the cheapest real program spawn_loop can exec: a static ELF
 * without libc (one page of code) whose entry point calls exit_group(0),
 * so a process costs little more than its exec and its exit.
 */
void _start(void)
{
	__asm__ volatile("syscall" : : "a"(231), "D"(0) : "rcx", "r11", "memory");
	__builtin_unreachable();
}
