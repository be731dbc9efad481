/*
 * trivial - a C program that does nothing, for comparing peak RSS
 *
 * DESCRIPTION
 *	Linked like hi-q (dynamically, against libc), so the difference of
 *	their peak resident sets is what hi-q itself adds.
 */
int
main(void)
{
	return 0;
}
