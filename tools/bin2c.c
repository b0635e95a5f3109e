/* bin2c.c - turn a file into a C array (used to embed the bundled chart) */
#include <stdio.h>

int main(int argc, char **argv)
{
	FILE *in, *out;
	int c;
	unsigned long n = 0;
	if (argc != 4) {
		fprintf(stderr, "usage: bin2c INPUT OUTPUT.c SYMBOL\n");
		return 2;
	}
	in = fopen(argv[1], "rb");
	out = fopen(argv[2], "w");
	if (!in || !out) {
		perror("bin2c");
		return 1;
	}
	fprintf(out, "/* generated from %s by tools/bin2c.c */\n#include <stddef.h>\n\n", argv[1]);
	fprintf(out, "const unsigned char %s[] = {\n", argv[3]);
	while ((c = fgetc(in)) != EOF) {
		fprintf(out, "%s0x%02x,", n % 16 ? " " : "\t", c);
		if (++n % 16 == 0)
			fputc('\n', out);
	}
	fprintf(out, "\n};\nconst size_t %s_len = %lu;\n", argv[3], n);
	fclose(in);
	return fclose(out) ? 1 : 0;
}
