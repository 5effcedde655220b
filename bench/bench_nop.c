// SPDX-License-Identifier: Apache-2.0
/* bench_nop: what exec_loop runs; exits at once, like /bin/true. */
int main(void)
{
	return 0;
}
