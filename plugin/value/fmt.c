/*
 * fmt.c - Go's fmt and strconv printing of values: %v, Sprintf with every
 * verb and flag, strconv.FormatFloat and strconv.Quote.
 *
 * The structure follows what Go's fmt package does (a printer state holding
 * flags, width and precision; printArg → per-kind formatting; padding by
 * rune count), re-implemented from its documented and observed behaviour.
 * Floats: the shortest round-trip digits are found by asking the C library
 * for correctly rounded 1..17 significant digits and keeping the first that
 * reads back exactly (with the neighbour above checked, for the narrow
 * interval below a power of two); explicit precisions use the C library's
 * exact rounding, which is Go's (round half to even on the exact binary value).
 */
#include "codec.h"
#include "yaml_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FMT_MAX_DEPTH 200     /* nesting bound for containers (cyclic maps) */
#define FMT_TOO_LARGE 1000000 /* Go's limit on width, precision and arg numbers */

/* ---- UTF-8, with Go's decoding rules (invalid byte = U+FFFD, width 1) ---- */

static size_t utf8_dec(const unsigned char *s, size_t n, uint32_t *r)
{
	unsigned c = s[0];
	uint32_t v;
	size_t need, i;

	if (c < 0x80) {
		*r = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07;
	} else {
		goto bad;
	}
	if (n < need + 1)
		goto bad;
	for (i = 1; i <= need; i++) {
		unsigned d = s[i];
		unsigned lo = 0x80, hi = 0xBF;
		if (i == 1) {
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
			else if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		}
		if (d < lo || d > hi)
			goto bad;
		v = (v << 6) | (d & 0x3F);
	}
	*r = v;
	return need + 1;
bad:
	*r = 0xFFFD;
	return 1;
}

static void utf8_put(struct arc_buf *b, uint32_t r)
{
	char t[4];

	if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = 0xFFFD;
	if (r < 0x80) {
		arc_buf_putc(b, (char)r);
		return;
	}
	if (r < 0x800) {
		t[0] = (char)(0xC0 | (r >> 6));
		t[1] = (char)(0x80 | (r & 0x3F));
		arc_buf_add(b, t, 2);
	} else if (r < 0x10000) {
		t[0] = (char)(0xE0 | (r >> 12));
		t[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		t[2] = (char)(0x80 | (r & 0x3F));
		arc_buf_add(b, t, 3);
	} else {
		t[0] = (char)(0xF0 | (r >> 18));
		t[1] = (char)(0x80 | ((r >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((r >> 6) & 0x3F));
		t[3] = (char)(0x80 | (r & 0x3F));
		arc_buf_add(b, t, 4);
	}
}

static size_t rune_count(const char *s, size_t n)
{
	size_t i = 0, c = 0;
	uint32_t r;

	while (i < n) {
		i += utf8_dec((const unsigned char *)s + i, n - i, &r);
		c++;
	}
	return c;
}

/* ---- unicode.IsPrint: categories L, M, N, P, S and U+0020, as ranges.
 * Generated from the Unicode 15.0.0 character database (the version Go 1.25
 * uses) with a short script over Python's unicodedata2 15.0.0. */
static const uint32_t print_ranges[][2] = {
	{0x20, 0x7E}, {0xA1, 0xAC}, {0xAE, 0x377}, {0x37A, 0x37F}, {0x384, 0x38A}, {0x38C, 0x38C},
	{0x38E, 0x3A1}, {0x3A3, 0x52F}, {0x531, 0x556}, {0x559, 0x58A}, {0x58D, 0x58F}, {0x591, 0x5C7},
	{0x5D0, 0x5EA}, {0x5EF, 0x5F4}, {0x606, 0x61B}, {0x61D, 0x6DC}, {0x6DE, 0x70D}, {0x710, 0x74A},
	{0x74D, 0x7B1}, {0x7C0, 0x7FA}, {0x7FD, 0x82D}, {0x830, 0x83E}, {0x840, 0x85B}, {0x85E, 0x85E},
	{0x860, 0x86A}, {0x870, 0x88E}, {0x898, 0x8E1}, {0x8E3, 0x983}, {0x985, 0x98C}, {0x98F, 0x990},
	{0x993, 0x9A8}, {0x9AA, 0x9B0}, {0x9B2, 0x9B2}, {0x9B6, 0x9B9}, {0x9BC, 0x9C4}, {0x9C7, 0x9C8},
	{0x9CB, 0x9CE}, {0x9D7, 0x9D7}, {0x9DC, 0x9DD}, {0x9DF, 0x9E3}, {0x9E6, 0x9FE}, {0xA01, 0xA03},
	{0xA05, 0xA0A}, {0xA0F, 0xA10}, {0xA13, 0xA28}, {0xA2A, 0xA30}, {0xA32, 0xA33}, {0xA35, 0xA36},
	{0xA38, 0xA39}, {0xA3C, 0xA3C}, {0xA3E, 0xA42}, {0xA47, 0xA48}, {0xA4B, 0xA4D}, {0xA51, 0xA51},
	{0xA59, 0xA5C}, {0xA5E, 0xA5E}, {0xA66, 0xA76}, {0xA81, 0xA83}, {0xA85, 0xA8D}, {0xA8F, 0xA91},
	{0xA93, 0xAA8}, {0xAAA, 0xAB0}, {0xAB2, 0xAB3}, {0xAB5, 0xAB9}, {0xABC, 0xAC5}, {0xAC7, 0xAC9},
	{0xACB, 0xACD}, {0xAD0, 0xAD0}, {0xAE0, 0xAE3}, {0xAE6, 0xAF1}, {0xAF9, 0xAFF}, {0xB01, 0xB03},
	{0xB05, 0xB0C}, {0xB0F, 0xB10}, {0xB13, 0xB28}, {0xB2A, 0xB30}, {0xB32, 0xB33}, {0xB35, 0xB39},
	{0xB3C, 0xB44}, {0xB47, 0xB48}, {0xB4B, 0xB4D}, {0xB55, 0xB57}, {0xB5C, 0xB5D}, {0xB5F, 0xB63},
	{0xB66, 0xB77}, {0xB82, 0xB83}, {0xB85, 0xB8A}, {0xB8E, 0xB90}, {0xB92, 0xB95}, {0xB99, 0xB9A},
	{0xB9C, 0xB9C}, {0xB9E, 0xB9F}, {0xBA3, 0xBA4}, {0xBA8, 0xBAA}, {0xBAE, 0xBB9}, {0xBBE, 0xBC2},
	{0xBC6, 0xBC8}, {0xBCA, 0xBCD}, {0xBD0, 0xBD0}, {0xBD7, 0xBD7}, {0xBE6, 0xBFA}, {0xC00, 0xC0C},
	{0xC0E, 0xC10}, {0xC12, 0xC28}, {0xC2A, 0xC39}, {0xC3C, 0xC44}, {0xC46, 0xC48}, {0xC4A, 0xC4D},
	{0xC55, 0xC56}, {0xC58, 0xC5A}, {0xC5D, 0xC5D}, {0xC60, 0xC63}, {0xC66, 0xC6F}, {0xC77, 0xC8C},
	{0xC8E, 0xC90}, {0xC92, 0xCA8}, {0xCAA, 0xCB3}, {0xCB5, 0xCB9}, {0xCBC, 0xCC4}, {0xCC6, 0xCC8},
	{0xCCA, 0xCCD}, {0xCD5, 0xCD6}, {0xCDD, 0xCDE}, {0xCE0, 0xCE3}, {0xCE6, 0xCEF}, {0xCF1, 0xCF3},
	{0xD00, 0xD0C}, {0xD0E, 0xD10}, {0xD12, 0xD44}, {0xD46, 0xD48}, {0xD4A, 0xD4F}, {0xD54, 0xD63},
	{0xD66, 0xD7F}, {0xD81, 0xD83}, {0xD85, 0xD96}, {0xD9A, 0xDB1}, {0xDB3, 0xDBB}, {0xDBD, 0xDBD},
	{0xDC0, 0xDC6}, {0xDCA, 0xDCA}, {0xDCF, 0xDD4}, {0xDD6, 0xDD6}, {0xDD8, 0xDDF}, {0xDE6, 0xDEF},
	{0xDF2, 0xDF4}, {0xE01, 0xE3A}, {0xE3F, 0xE5B}, {0xE81, 0xE82}, {0xE84, 0xE84}, {0xE86, 0xE8A},
	{0xE8C, 0xEA3}, {0xEA5, 0xEA5}, {0xEA7, 0xEBD}, {0xEC0, 0xEC4}, {0xEC6, 0xEC6}, {0xEC8, 0xECE},
	{0xED0, 0xED9}, {0xEDC, 0xEDF}, {0xF00, 0xF47}, {0xF49, 0xF6C}, {0xF71, 0xF97}, {0xF99, 0xFBC},
	{0xFBE, 0xFCC}, {0xFCE, 0xFDA}, {0x1000, 0x10C5}, {0x10C7, 0x10C7}, {0x10CD, 0x10CD},
	{0x10D0, 0x1248}, {0x124A, 0x124D}, {0x1250, 0x1256}, {0x1258, 0x1258}, {0x125A, 0x125D},
	{0x1260, 0x1288}, {0x128A, 0x128D}, {0x1290, 0x12B0}, {0x12B2, 0x12B5}, {0x12B8, 0x12BE},
	{0x12C0, 0x12C0}, {0x12C2, 0x12C5}, {0x12C8, 0x12D6}, {0x12D8, 0x1310}, {0x1312, 0x1315},
	{0x1318, 0x135A}, {0x135D, 0x137C}, {0x1380, 0x1399}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD},
	{0x1400, 0x167F}, {0x1681, 0x169C}, {0x16A0, 0x16F8}, {0x1700, 0x1715}, {0x171F, 0x1736},
	{0x1740, 0x1753}, {0x1760, 0x176C}, {0x176E, 0x1770}, {0x1772, 0x1773}, {0x1780, 0x17DD},
	{0x17E0, 0x17E9}, {0x17F0, 0x17F9}, {0x1800, 0x180D}, {0x180F, 0x1819}, {0x1820, 0x1878},
	{0x1880, 0x18AA}, {0x18B0, 0x18F5}, {0x1900, 0x191E}, {0x1920, 0x192B}, {0x1930, 0x193B},
	{0x1940, 0x1940}, {0x1944, 0x196D}, {0x1970, 0x1974}, {0x1980, 0x19AB}, {0x19B0, 0x19C9},
	{0x19D0, 0x19DA}, {0x19DE, 0x1A1B}, {0x1A1E, 0x1A5E}, {0x1A60, 0x1A7C}, {0x1A7F, 0x1A89},
	{0x1A90, 0x1A99}, {0x1AA0, 0x1AAD}, {0x1AB0, 0x1ACE}, {0x1B00, 0x1B4C}, {0x1B50, 0x1B7E},
	{0x1B80, 0x1BF3}, {0x1BFC, 0x1C37}, {0x1C3B, 0x1C49}, {0x1C4D, 0x1C88}, {0x1C90, 0x1CBA},
	{0x1CBD, 0x1CC7}, {0x1CD0, 0x1CFA}, {0x1D00, 0x1F15}, {0x1F18, 0x1F1D}, {0x1F20, 0x1F45},
	{0x1F48, 0x1F4D}, {0x1F50, 0x1F57}, {0x1F59, 0x1F59}, {0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D},
	{0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4}, {0x1FB6, 0x1FC4}, {0x1FC6, 0x1FD3}, {0x1FD6, 0x1FDB},
	{0x1FDD, 0x1FEF}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFE}, {0x2010, 0x2027}, {0x2030, 0x205E},
	{0x2070, 0x2071}, {0x2074, 0x208E}, {0x2090, 0x209C}, {0x20A0, 0x20C0}, {0x20D0, 0x20F0},
	{0x2100, 0x218B}, {0x2190, 0x2426}, {0x2440, 0x244A}, {0x2460, 0x2B73}, {0x2B76, 0x2B95},
	{0x2B97, 0x2CF3}, {0x2CF9, 0x2D25}, {0x2D27, 0x2D27}, {0x2D2D, 0x2D2D}, {0x2D30, 0x2D67},
	{0x2D6F, 0x2D70}, {0x2D7F, 0x2D96}, {0x2DA0, 0x2DA6}, {0x2DA8, 0x2DAE}, {0x2DB0, 0x2DB6},
	{0x2DB8, 0x2DBE}, {0x2DC0, 0x2DC6}, {0x2DC8, 0x2DCE}, {0x2DD0, 0x2DD6}, {0x2DD8, 0x2DDE},
	{0x2DE0, 0x2E5D}, {0x2E80, 0x2E99}, {0x2E9B, 0x2EF3}, {0x2F00, 0x2FD5}, {0x2FF0, 0x2FFB},
	{0x3001, 0x303F}, {0x3041, 0x3096}, {0x3099, 0x30FF}, {0x3105, 0x312F}, {0x3131, 0x318E},
	{0x3190, 0x31E3}, {0x31F0, 0x321E}, {0x3220, 0xA48C}, {0xA490, 0xA4C6}, {0xA4D0, 0xA62B},
	{0xA640, 0xA6F7}, {0xA700, 0xA7CA}, {0xA7D0, 0xA7D1}, {0xA7D3, 0xA7D3}, {0xA7D5, 0xA7D9},
	{0xA7F2, 0xA82C}, {0xA830, 0xA839}, {0xA840, 0xA877}, {0xA880, 0xA8C5}, {0xA8CE, 0xA8D9},
	{0xA8E0, 0xA953}, {0xA95F, 0xA97C}, {0xA980, 0xA9CD}, {0xA9CF, 0xA9D9}, {0xA9DE, 0xA9FE},
	{0xAA00, 0xAA36}, {0xAA40, 0xAA4D}, {0xAA50, 0xAA59}, {0xAA5C, 0xAAC2}, {0xAADB, 0xAAF6},
	{0xAB01, 0xAB06}, {0xAB09, 0xAB0E}, {0xAB11, 0xAB16}, {0xAB20, 0xAB26}, {0xAB28, 0xAB2E},
	{0xAB30, 0xAB6B}, {0xAB70, 0xABED}, {0xABF0, 0xABF9}, {0xAC00, 0xD7A3}, {0xD7B0, 0xD7C6},
	{0xD7CB, 0xD7FB}, {0xF900, 0xFA6D}, {0xFA70, 0xFAD9}, {0xFB00, 0xFB06}, {0xFB13, 0xFB17},
	{0xFB1D, 0xFB36}, {0xFB38, 0xFB3C}, {0xFB3E, 0xFB3E}, {0xFB40, 0xFB41}, {0xFB43, 0xFB44},
	{0xFB46, 0xFBC2}, {0xFBD3, 0xFD8F}, {0xFD92, 0xFDC7}, {0xFDCF, 0xFDCF}, {0xFDF0, 0xFE19},
	{0xFE20, 0xFE52}, {0xFE54, 0xFE66}, {0xFE68, 0xFE6B}, {0xFE70, 0xFE74}, {0xFE76, 0xFEFC},
	{0xFF01, 0xFFBE}, {0xFFC2, 0xFFC7}, {0xFFCA, 0xFFCF}, {0xFFD2, 0xFFD7}, {0xFFDA, 0xFFDC},
	{0xFFE0, 0xFFE6}, {0xFFE8, 0xFFEE}, {0xFFFC, 0xFFFD}, {0x10000, 0x1000B}, {0x1000D, 0x10026},
	{0x10028, 0x1003A}, {0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D},
	{0x10080, 0x100FA}, {0x10100, 0x10102}, {0x10107, 0x10133}, {0x10137, 0x1018E},
	{0x10190, 0x1019C}, {0x101A0, 0x101A0}, {0x101D0, 0x101FD}, {0x10280, 0x1029C},
	{0x102A0, 0x102D0}, {0x102E0, 0x102FB}, {0x10300, 0x10323}, {0x1032D, 0x1034A},
	{0x10350, 0x1037A}, {0x10380, 0x1039D}, {0x1039F, 0x103C3}, {0x103C8, 0x103D5},
	{0x10400, 0x1049D}, {0x104A0, 0x104A9}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
	{0x10500, 0x10527}, {0x10530, 0x10563}, {0x1056F, 0x1057A}, {0x1057C, 0x1058A},
	{0x1058C, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105A1}, {0x105A3, 0x105B1},
	{0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736}, {0x10740, 0x10755},
	{0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0}, {0x107B2, 0x107BA},
	{0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080A, 0x10835}, {0x10837, 0x10838},
	{0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10857, 0x1089E}, {0x108A7, 0x108AF},
	{0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x108FB, 0x1091B}, {0x1091F, 0x10939},
	{0x1093F, 0x1093F}, {0x10980, 0x109B7}, {0x109BC, 0x109CF}, {0x109D2, 0x10A03},
	{0x10A05, 0x10A06}, {0x10A0C, 0x10A13}, {0x10A15, 0x10A17}, {0x10A19, 0x10A35},
	{0x10A38, 0x10A3A}, {0x10A3F, 0x10A48}, {0x10A50, 0x10A58}, {0x10A60, 0x10A9F},
	{0x10AC0, 0x10AE6}, {0x10AEB, 0x10AF6}, {0x10B00, 0x10B35}, {0x10B39, 0x10B55},
	{0x10B58, 0x10B72}, {0x10B78, 0x10B91}, {0x10B99, 0x10B9C}, {0x10BA9, 0x10BAF},
	{0x10C00, 0x10C48}, {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2}, {0x10CFA, 0x10D27},
	{0x10D30, 0x10D39}, {0x10E60, 0x10E7E}, {0x10E80, 0x10EA9}, {0x10EAB, 0x10EAD},
	{0x10EB0, 0x10EB1}, {0x10EFD, 0x10F27}, {0x10F30, 0x10F59}, {0x10F70, 0x10F89},
	{0x10FB0, 0x10FCB}, {0x10FE0, 0x10FF6}, {0x11000, 0x1104D}, {0x11052, 0x11075},
	{0x1107F, 0x110BC}, {0x110BE, 0x110C2}, {0x110D0, 0x110E8}, {0x110F0, 0x110F9},
	{0x11100, 0x11134}, {0x11136, 0x11147}, {0x11150, 0x11176}, {0x11180, 0x111DF},
	{0x111E1, 0x111F4}, {0x11200, 0x11211}, {0x11213, 0x11241}, {0x11280, 0x11286},
	{0x11288, 0x11288}, {0x1128A, 0x1128D}, {0x1128F, 0x1129D}, {0x1129F, 0x112A9},
	{0x112B0, 0x112EA}, {0x112F0, 0x112F9}, {0x11300, 0x11303}, {0x11305, 0x1130C},
	{0x1130F, 0x11310}, {0x11313, 0x11328}, {0x1132A, 0x11330}, {0x11332, 0x11333},
	{0x11335, 0x11339}, {0x1133B, 0x11344}, {0x11347, 0x11348}, {0x1134B, 0x1134D},
	{0x11350, 0x11350}, {0x11357, 0x11357}, {0x1135D, 0x11363}, {0x11366, 0x1136C},
	{0x11370, 0x11374}, {0x11400, 0x1145B}, {0x1145D, 0x11461}, {0x11480, 0x114C7},
	{0x114D0, 0x114D9}, {0x11580, 0x115B5}, {0x115B8, 0x115DD}, {0x11600, 0x11644},
	{0x11650, 0x11659}, {0x11660, 0x1166C}, {0x11680, 0x116B9}, {0x116C0, 0x116C9},
	{0x11700, 0x1171A}, {0x1171D, 0x1172B}, {0x11730, 0x11746}, {0x11800, 0x1183B},
	{0x118A0, 0x118F2}, {0x118FF, 0x11906}, {0x11909, 0x11909}, {0x1190C, 0x11913},
	{0x11915, 0x11916}, {0x11918, 0x11935}, {0x11937, 0x11938}, {0x1193B, 0x11946},
	{0x11950, 0x11959}, {0x119A0, 0x119A7}, {0x119AA, 0x119D7}, {0x119DA, 0x119E4},
	{0x11A00, 0x11A47}, {0x11A50, 0x11AA2}, {0x11AB0, 0x11AF8}, {0x11B00, 0x11B09},
	{0x11C00, 0x11C08}, {0x11C0A, 0x11C36}, {0x11C38, 0x11C45}, {0x11C50, 0x11C6C},
	{0x11C70, 0x11C8F}, {0x11C92, 0x11CA7}, {0x11CA9, 0x11CB6}, {0x11D00, 0x11D06},
	{0x11D08, 0x11D09}, {0x11D0B, 0x11D36}, {0x11D3A, 0x11D3A}, {0x11D3C, 0x11D3D},
	{0x11D3F, 0x11D47}, {0x11D50, 0x11D59}, {0x11D60, 0x11D65}, {0x11D67, 0x11D68},
	{0x11D6A, 0x11D8E}, {0x11D90, 0x11D91}, {0x11D93, 0x11D98}, {0x11DA0, 0x11DA9},
	{0x11EE0, 0x11EF8}, {0x11F00, 0x11F10}, {0x11F12, 0x11F3A}, {0x11F3E, 0x11F59},
	{0x11FB0, 0x11FB0}, {0x11FC0, 0x11FF1}, {0x11FFF, 0x12399}, {0x12400, 0x1246E},
	{0x12470, 0x12474}, {0x12480, 0x12543}, {0x12F90, 0x12FF2}, {0x13000, 0x1342F},
	{0x13440, 0x13455}, {0x14400, 0x14646}, {0x16800, 0x16A38}, {0x16A40, 0x16A5E},
	{0x16A60, 0x16A69}, {0x16A6E, 0x16ABE}, {0x16AC0, 0x16AC9}, {0x16AD0, 0x16AED},
	{0x16AF0, 0x16AF5}, {0x16B00, 0x16B45}, {0x16B50, 0x16B59}, {0x16B5B, 0x16B61},
	{0x16B63, 0x16B77}, {0x16B7D, 0x16B8F}, {0x16E40, 0x16E9A}, {0x16F00, 0x16F4A},
	{0x16F4F, 0x16F87}, {0x16F8F, 0x16F9F}, {0x16FE0, 0x16FE4}, {0x16FF0, 0x16FF1},
	{0x17000, 0x187F7}, {0x18800, 0x18CD5}, {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3},
	{0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122}, {0x1B132, 0x1B132},
	{0x1B150, 0x1B152}, {0x1B155, 0x1B155}, {0x1B164, 0x1B167}, {0x1B170, 0x1B2FB},
	{0x1BC00, 0x1BC6A}, {0x1BC70, 0x1BC7C}, {0x1BC80, 0x1BC88}, {0x1BC90, 0x1BC99},
	{0x1BC9C, 0x1BC9F}, {0x1CF00, 0x1CF2D}, {0x1CF30, 0x1CF46}, {0x1CF50, 0x1CFC3},
	{0x1D000, 0x1D0F5}, {0x1D100, 0x1D126}, {0x1D129, 0x1D172}, {0x1D17B, 0x1D1EA},
	{0x1D200, 0x1D245}, {0x1D2C0, 0x1D2D3}, {0x1D2E0, 0x1D2F3}, {0x1D300, 0x1D356},
	{0x1D360, 0x1D378}, {0x1D400, 0x1D454}, {0x1D456, 0x1D49C}, {0x1D49E, 0x1D49F},
	{0x1D4A2, 0x1D4A2}, {0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC}, {0x1D4AE, 0x1D4B9},
	{0x1D4BB, 0x1D4BB}, {0x1D4BD, 0x1D4C3}, {0x1D4C5, 0x1D505}, {0x1D507, 0x1D50A},
	{0x1D50D, 0x1D514}, {0x1D516, 0x1D51C}, {0x1D51E, 0x1D539}, {0x1D53B, 0x1D53E},
	{0x1D540, 0x1D544}, {0x1D546, 0x1D546}, {0x1D54A, 0x1D550}, {0x1D552, 0x1D6A5},
	{0x1D6A8, 0x1D7CB}, {0x1D7CE, 0x1DA8B}, {0x1DA9B, 0x1DA9F}, {0x1DAA1, 0x1DAAF},
	{0x1DF00, 0x1DF1E}, {0x1DF25, 0x1DF2A}, {0x1E000, 0x1E006}, {0x1E008, 0x1E018},
	{0x1E01B, 0x1E021}, {0x1E023, 0x1E024}, {0x1E026, 0x1E02A}, {0x1E030, 0x1E06D},
	{0x1E08F, 0x1E08F}, {0x1E100, 0x1E12C}, {0x1E130, 0x1E13D}, {0x1E140, 0x1E149},
	{0x1E14E, 0x1E14F}, {0x1E290, 0x1E2AE}, {0x1E2C0, 0x1E2F9}, {0x1E2FF, 0x1E2FF},
	{0x1E4D0, 0x1E4F9}, {0x1E7E0, 0x1E7E6}, {0x1E7E8, 0x1E7EB}, {0x1E7ED, 0x1E7EE},
	{0x1E7F0, 0x1E7FE}, {0x1E800, 0x1E8C4}, {0x1E8C7, 0x1E8D6}, {0x1E900, 0x1E94B},
	{0x1E950, 0x1E959}, {0x1E95E, 0x1E95F}, {0x1EC71, 0x1ECB4}, {0x1ED01, 0x1ED3D},
	{0x1EE00, 0x1EE03}, {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24},
	{0x1EE27, 0x1EE27}, {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37}, {0x1EE39, 0x1EE39},
	{0x1EE3B, 0x1EE3B}, {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49},
	{0x1EE4B, 0x1EE4B}, {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54},
	{0x1EE57, 0x1EE57}, {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D},
	{0x1EE5F, 0x1EE5F}, {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A},
	{0x1EE6C, 0x1EE72}, {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C}, {0x1EE7E, 0x1EE7E},
	{0x1EE80, 0x1EE89}, {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9},
	{0x1EEAB, 0x1EEBB}, {0x1EEF0, 0x1EEF1}, {0x1F000, 0x1F02B}, {0x1F030, 0x1F093},
	{0x1F0A0, 0x1F0AE}, {0x1F0B1, 0x1F0BF}, {0x1F0C1, 0x1F0CF}, {0x1F0D1, 0x1F0F5},
	{0x1F100, 0x1F1AD}, {0x1F1E6, 0x1F202}, {0x1F210, 0x1F23B}, {0x1F240, 0x1F248},
	{0x1F250, 0x1F251}, {0x1F260, 0x1F265}, {0x1F300, 0x1F6D7}, {0x1F6DC, 0x1F6EC},
	{0x1F6F0, 0x1F6FC}, {0x1F700, 0x1F776}, {0x1F77B, 0x1F7D9}, {0x1F7E0, 0x1F7EB},
	{0x1F7F0, 0x1F7F0}, {0x1F800, 0x1F80B}, {0x1F810, 0x1F847}, {0x1F850, 0x1F859},
	{0x1F860, 0x1F887}, {0x1F890, 0x1F8AD}, {0x1F8B0, 0x1F8B1}, {0x1F900, 0x1FA53},
	{0x1FA60, 0x1FA6D}, {0x1FA70, 0x1FA7C}, {0x1FA80, 0x1FA88}, {0x1FA90, 0x1FABD},
	{0x1FABF, 0x1FAC5}, {0x1FACE, 0x1FADB}, {0x1FAE0, 0x1FAE8}, {0x1FAF0, 0x1FAF8},
	{0x1FB00, 0x1FB92}, {0x1FB94, 0x1FBCA}, {0x1FBF0, 0x1FBF9}, {0x20000, 0x2A6DF},
	{0x2A700, 0x2B739}, {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0},
	{0x2F800, 0x2FA1D}, {0x30000, 0x3134A}, {0x31350, 0x323AF}, {0xE0100, 0xE01EF},
};

static int is_print(uint32_t r)
{
	size_t lo = 0, hi = ARC_ARRAY_LEN(print_ranges);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r < print_ranges[mid][0])
			hi = mid;
		else if (r > print_ranges[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* ---- strconv.Quote and friends ---- */

static const char lhex[] = "0123456789abcdef";
static const char uhex[] = "0123456789ABCDEF";

static void put_hex(struct arc_buf *b, uint32_t v, int digits)
{
	int s;

	for (s = (digits - 1) * 4; s >= 0; s -= 4)
		arc_buf_putc(b, lhex[(v >> s) & 0xF]);
}

/* one rune of a quoted literal; `quote` is '"' or '\'' */
static void quote_rune_body(struct arc_buf *b, uint32_t r, char quote, int ascii_only)
{
	if (r == (uint32_t)(unsigned char)quote || r == '\\') {
		arc_buf_putc(b, '\\');
		arc_buf_putc(b, (char)r);
		return;
	}
	if (ascii_only ? (r < 0x80 && is_print(r)) : is_print(r)) {
		utf8_put(b, r);
		return;
	}
	switch (r) {
	case '\a': arc_buf_puts(b, "\\a"); return;
	case '\b': arc_buf_puts(b, "\\b"); return;
	case '\f': arc_buf_puts(b, "\\f"); return;
	case '\n': arc_buf_puts(b, "\\n"); return;
	case '\r': arc_buf_puts(b, "\\r"); return;
	case '\t': arc_buf_puts(b, "\\t"); return;
	case '\v': arc_buf_puts(b, "\\v"); return;
	default: break;
	}
	if (r < ' ' || r == 0x7F) {
		arc_buf_puts(b, "\\x");
		put_hex(b, r, 2);
	} else if (r < 0x10000) {
		arc_buf_puts(b, "\\u");
		put_hex(b, r, 4);
	} else {
		arc_buf_puts(b, "\\U");
		put_hex(b, r, 8);
	}
}

static void quote_with(struct arc_buf *b, const char *s, size_t n, int ascii_only)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	arc_buf_grow(b, n + 2);
	arc_buf_putc(b, '"');
	while (i < n) {
		uint32_t r;
		size_t w, j = i;
		/* a run of printable ASCII that needs no escape, at once */
		while (j < n && u[j] >= 0x20 && u[j] < 0x7F && u[j] != '"' && u[j] != '\\')
			j++;
		if (j > i) {
			arc_buf_add(b, s + i, j - i);
			i = j;
			continue;
		}
		w = utf8_dec(u + i, n - i, &r);
		if (w == 1 && r == 0xFFFD) {
			arc_buf_puts(b, "\\x");
			put_hex(b, u[i], 2);
		} else {
			quote_rune_body(b, r, '"', ascii_only);
		}
		i += w;
	}
	arc_buf_putc(b, '"');
}

void arc_fmt_quote(struct arc_buf *b, const char *s, size_t len)
{
	quote_with(b, s, len, 0);
}

/* strconv.QuoteRune / QuoteRuneToASCII */
static void quote_rune(struct arc_buf *b, uint32_t r, int ascii_only)
{
	if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = 0xFFFD;
	arc_buf_putc(b, '\'');
	quote_rune_body(b, r, '\'', ascii_only);
	arc_buf_putc(b, '\'');
}

/* strconv.CanBackquote */
static int can_backquote(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		uint32_t r;
		size_t w = utf8_dec(u + i, n - i, &r);
		if (w == 1 && r == 0xFFFD && u[i] >= 0x80)
			return 0;
		if (w > 1) {
			if (r == 0xFEFF)
				return 0;
			i += w;
			continue;
		}
		if (r == '`' || r == 0x7F || (r < ' ' && r != '\t'))
			return 0;
		i++;
	}
	return 1;
}

/* ---- strconv.FormatFloat ---- */

struct fdigits {
	char *d; /* digits, no trailing zeros; "" for zero */
	int nd;  /* number of digits */
	int dp;  /* decimal point position: value = 0.d × 10^dp */
	char small[40];
};

/* parse "d.ddde±x" as printed by %e into digits; trailing zeros trimmed */
static void parse_e(struct fdigits *fd, const char *s)
{
	const char *p = s;
	int n = 0, e;

	while (*p && *p != 'e') {
		if (*p >= '0' && *p <= '9')
			fd->d[n++] = *p;
		p++;
	}
	e = *p ? atoi(p + 1) : 0;
	while (n > 0 && fd->d[n - 1] == '0')
		n--;
	fd->nd = n;
	fd->dp = n ? e + 1 : 0;
	fd->d[n] = 0;
}

static void fd_release(struct fdigits *fd)
{
	if (fd->d != fd->small)
		free(fd->d);
}

/* The shortest digits that read back as a (a > 0, finite), the C library's
 * way: the correctly rounded 1, 2, … 17 digits until one reads back. */
static void shortest_libc(struct fdigits *fd, double a)
{
	char tmp[64], alt[64];
	int n;

	for (n = 1; n <= 17; n++) {
		double back;
		snprintf(tmp, sizeof(tmp), "%.*e", n - 1, a);
		back = strtod(tmp, NULL);
		if (back == a) {
			parse_e(fd, tmp);
			return;
		}
		if (back < a) {
			/* the next n-digit decimal above may still be inside the interval */
			char m[24];
			int k = 0, i, e;
			const char *p = tmp;
			while (*p && *p != 'e') {
				if (*p >= '0' && *p <= '9')
					m[k++] = *p;
				p++;
			}
			e = atoi(p + 1);
			for (i = k - 1; i >= 0; i--) {
				if (m[i] < '9') {
					m[i]++;
					break;
				}
				m[i] = '0';
			}
			if (i < 0) {
				m[0] = '1';
				e++;
			}
			m[k] = 0;
			snprintf(alt, sizeof(alt), "%c.%se%d", m[0], m + 1, e);
			if (strtod(alt, NULL) == a) {
				parse_e(fd, alt);
				return;
			}
		}
	}
	snprintf(tmp, sizeof(tmp), "%.16e", a);
	parse_e(fd, tmp);
}

/*
 * The same answer without the C library, in exact integer arithmetic, for
 * the values where 128 bits suffice (nearly all that templates meet).
 *
 * a = m·2^q.  For n = 1, 2, … digits and e = dp − n, a/10^e = num/den
 * exactly; R = num/den rounded half to even is what %.{n-1}e prints, and
 * R·10^e reads back as a iff it lies inside a's rounding interval: within
 * half an ulp (a quarter below a power of two, whose lower neighbour is
 * closer), the ends included when m is even (strtod rounds ties to even).
 * In units of 10^e the half ulp is num/(2·m·den), so the test is
 * 2·m·dist <= num (4·m·dist on the narrow side).  Returns 0 when some
 * quantity would not fit; the caller then asks the C library.
 */
__extension__ typedef unsigned __int128 u128;

static const uint64_t pow5[28] = {
	UINT64_C(1), UINT64_C(5), UINT64_C(25), UINT64_C(125), UINT64_C(625), UINT64_C(3125),
	UINT64_C(15625), UINT64_C(78125), UINT64_C(390625), UINT64_C(1953125), UINT64_C(9765625),
	UINT64_C(48828125), UINT64_C(244140625), UINT64_C(1220703125), UINT64_C(6103515625),
	UINT64_C(30517578125), UINT64_C(152587890625), UINT64_C(762939453125),
	UINT64_C(3814697265625), UINT64_C(19073486328125), UINT64_C(95367431640625),
	UINT64_C(476837158203125), UINT64_C(2384185791015625), UINT64_C(11920928955078125),
	UINT64_C(59604644775390625), UINT64_C(298023223876953125), UINT64_C(1490116119384765625),
	UINT64_C(7450580596923828125),
};

static int bits128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
	if (hi)
		return 128 - __builtin_clzll(hi);
	return lo ? 64 - __builtin_clzll(lo) : 0;
}

/* 5^k for k <= 54 */
static u128 pow5_128(int k)
{
	if (k < 28)
		return pow5[k];
	return (u128)pow5[27] * pow5[k - 27];
}

/* digits of u (u >= 1) without trailing zeros; returns the count before trimming */
static int put_digits(struct fdigits *fd, uint64_t u)
{
	char t[24];
	int k = 0, n;
	while (u) {
		t[k++] = (char)('0' + u % 10);
		u /= 10;
	}
	n = k;
	fd->nd = 0;
	while (k > 0)
		fd->d[fd->nd++] = t[--k];
	while (fd->nd > 1 && fd->d[fd->nd - 1] == '0')
		fd->nd--;
	fd->d[fd->nd] = 0;
	return n;
}

/* floor(e * log10(2)) for |e| <= 1650 (78913 / 2^18 is log10(2) to 6 digits) */
static int floor_log10_pow2(int e)
{
	if (e >= 0)
		return (int)(((int64_t)e * 78913) >> 18);
	return -(int)((((int64_t)-e * 78913) + (1 << 18) - 1) >> 18);
}

static int shortest_exact(struct fdigits *fd, double a)
{
	uint64_t bits, m;
	int q, dp, n, tries = 0, narrow, incl, mb;

	memcpy(&bits, &a, sizeof(bits));
	q = (int)((bits >> 52) & 0x7FF);
	m = bits & ((UINT64_C(1) << 52) - 1);
	narrow = m == 0 && q > 1;
	if (q == 0) {
		q = 1;
	} else {
		m |= UINT64_C(1) << 52;
	}
	q -= 1075;
	incl = (m & 1) == 0;
	if (q <= 0 && q > -53 && (m & ((UINT64_C(1) << -q) - 1)) == 0) {
		/* an integer below 2^53: its own digits are the shortest (every other
		 * integer with as few digits is a different double) */
		int k = put_digits(fd, m >> -q);
		fd->dp = k;
		return 1;
	}
	mb = 64 - __builtin_clzll(m);
	/* floor(log10(a)) + 1 from the binary exponent (2^(q+mb-1) <= a < 2^(q+mb)): exact or one
	 * too low, which the loop below corrects as it does any estimate off by one */
	dp = floor_log10_pow2(q + mb - 1) + 1;
	for (n = 1; n <= 17; n++) {
		int e = dp - n, s;
		u128 num, den, Q, r, dist;
		uint64_t R;
		int above;
		if (e > 54 || e < -54)
			return 0;
		if (e >= 0) {
			num = m;
			den = pow5_128(e);
		} else {
			u128 p5 = pow5_128(-e);
			if (bits128(p5) + mb > 126)
				return 0;
			num = (u128)m * p5;
			den = 1;
		}
		s = q - e;
		if (s >= 0) {
			if (bits128(num) + s > 126)
				return 0;
			num <<= s;
		} else {
			if (bits128(den) - s > 124 - mb)
				return 0;
			den <<= -s;
		}
		if (bits128(den) + mb + 3 > 127)
			return 0; /* 4·m·dist must fit */
		Q = num / den;
		r = num - Q * den;
		if (n == 1 && (Q < 1 || Q > 9)) {
			/* the estimate of the decimal exponent was off by one */
			if (++tries > 2)
				return 0;
			dp += Q > 9 ? 1 : -1;
			n = 0;
			continue;
		}
		/* round half to even */
		if (2 * r > den || (2 * r == den && (Q & 1))) {
			R = (uint64_t)Q + 1;
			dist = den - r;
			above = 1;
		} else {
			R = (uint64_t)Q;
			dist = r;
			above = 0;
		}
		if (dist == 0)
			goto found;
		if (above) {
			u128 lim = 2 * (u128)m * dist;
			if (incl ? lim <= num : lim < num)
				goto found;
		} else {
			u128 lim = (narrow ? 4 : 2) * (u128)m * dist;
			if (incl ? lim <= num : lim < num)
				goto found;
			/* the next n-digit decimal above may still be inside */
			lim = 2 * (u128)m * (den - r);
			if (incl ? lim <= num : lim < num) {
				R = (uint64_t)Q + 1;
				goto found;
			}
		}
		continue;
found:
		fd->dp = put_digits(fd, R) + e;
		return 1;
	}
	return 0;
}

/* the shortest digits that read back as a (a >= 0, finite) */
static void digits_shortest(struct fdigits *fd, double a)
{
	fd->d = fd->small;
	if (a == 0) {
		fd->nd = fd->dp = 0;
		fd->d[0] = 0;
		return;
	}
	if (!shortest_exact(fd, a))
		shortest_libc(fd, a);
}

void arc_float_shortest(double a, char *d, int *nd, int *dp)
{
	struct fdigits fd;
	digits_shortest(&fd, a);
	memcpy(d, fd.d, (size_t)fd.nd);
	d[fd.nd] = 0;
	*nd = fd.nd;
	*dp = fd.dp;
}

/* a rounded to n significant digits (n >= 1) */
static void digits_fixed(struct fdigits *fd, double a, int n)
{
	size_t sz = (size_t)n + 40;
	char *tmp = xmalloc(sz);

	fd->d = sz <= sizeof(fd->small) ? fd->small : xmalloc(sz);
	snprintf(tmp, sz, "%.*e", n - 1, a);
	parse_e(fd, tmp);
	if (fd->nd == 0)
		fd->dp = 0;
	free(tmp);
}

static void fmt_e(struct arc_buf *b, int neg, const struct fdigits *d, int prec, char fmt)
{
	int i, exp;

	if (neg)
		arc_buf_putc(b, '-');
	arc_buf_putc(b, d->nd ? d->d[0] : '0');
	if (prec > 0) {
		arc_buf_putc(b, '.');
		for (i = 1; i <= prec; i++)
			arc_buf_putc(b, i < d->nd ? d->d[i] : '0');
	}
	arc_buf_putc(b, fmt);
	exp = d->nd ? d->dp - 1 : 0;
	if (exp < 0) {
		arc_buf_putc(b, '-');
		exp = -exp;
	} else {
		arc_buf_putc(b, '+');
	}
	if (exp < 10)
		arc_buf_printf(b, "0%d", exp);
	else
		arc_buf_printf(b, "%d", exp);
}

static void fmt_f(struct arc_buf *b, int neg, const struct fdigits *d, int prec)
{
	int i;

	if (neg)
		arc_buf_putc(b, '-');
	if (d->dp > 0) {
		for (i = 0; i < d->dp; i++)
			arc_buf_putc(b, i < d->nd ? d->d[i] : '0');
	} else {
		arc_buf_putc(b, '0');
	}
	if (prec > 0) {
		arc_buf_putc(b, '.');
		for (i = 1; i <= prec; i++) {
			int j = d->dp + i - 1;
			arc_buf_putc(b, j >= 0 && j < d->nd ? d->d[j] : '0');
		}
	}
}

/* %b: mantissa "p" binary exponent */
static void fmt_fb(struct arc_buf *b, double f)
{
	uint64_t bits, mant;
	int exp;

	memcpy(&bits, &f, sizeof(bits));
	exp = (int)((bits >> 52) & 0x7FF);
	mant = bits & ((UINT64_C(1) << 52) - 1);
	if (exp == 0)
		exp++;
	else
		mant |= UINT64_C(1) << 52;
	exp += -1023 - 52;
	if (bits >> 63)
		arc_buf_putc(b, '-');
	arc_buf_printf(b, "%llup%s%d", (unsigned long long)mant, exp >= 0 ? "+" : "", exp);
}

/* %x / %X: hexadecimal mantissa and binary exponent */
static void fmt_fx(struct arc_buf *b, double f, int prec, char fmt)
{
	uint64_t bits, mant;
	int exp, i;
	const char *hex = fmt == 'X' ? uhex : lhex;

	memcpy(&bits, &f, sizeof(bits));
	exp = (int)((bits >> 52) & 0x7FF);
	mant = bits & ((UINT64_C(1) << 52) - 1);
	if (exp == 0)
		exp++;
	else
		mant |= UINT64_C(1) << 52;
	exp -= 1023;
	if (mant == 0)
		exp = 0;
	mant <<= 60 - 52;
	while (mant != 0 && (mant & (UINT64_C(1) << 60)) == 0) {
		mant <<= 1;
		exp--;
	}
	if (prec >= 0 && prec < 15) {
		unsigned shift = (unsigned)prec * 4;
		uint64_t extra = (mant << shift) & ((UINT64_C(1) << 60) - 1);
		mant >>= 60 - shift;
		if ((extra | (mant & 1)) > (UINT64_C(1) << 59))
			mant++;
		mant <<= 60 - shift;
		if (mant & (UINT64_C(1) << 61)) {
			mant >>= 1;
			exp++;
		}
	}
	if (bits >> 63)
		arc_buf_putc(b, '-');
	arc_buf_putc(b, '0');
	arc_buf_putc(b, fmt);
	arc_buf_putc(b, (char)('0' + ((mant >> 60) & 1)));
	mant <<= 4;
	if (prec < 0 && mant != 0) {
		arc_buf_putc(b, '.');
		while (mant != 0) {
			arc_buf_putc(b, hex[(mant >> 60) & 15]);
			mant <<= 4;
		}
	} else if (prec > 0) {
		arc_buf_putc(b, '.');
		for (i = 0; i < prec; i++) {
			arc_buf_putc(b, hex[(mant >> 60) & 15]);
			mant <<= 4;
		}
	}
	arc_buf_putc(b, fmt == 'X' ? 'P' : 'p');
	if (exp < 0) {
		arc_buf_putc(b, '-');
		exp = -exp;
	} else {
		arc_buf_putc(b, '+');
	}
	if (exp < 10)
		arc_buf_printf(b, "0%d", exp);
	else
		arc_buf_printf(b, "%d", exp);
}

void arc_fmt_float(struct arc_buf *b, double f, char fmt, int prec)
{
	struct fdigits d;
	int neg, shortest = prec < 0, eprec, exp;
	double a;

	if (isnan(f)) {
		arc_buf_puts(b, "NaN");
		return;
	}
	if (isinf(f)) {
		arc_buf_puts(b, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (fmt == 'b') {
		fmt_fb(b, f);
		return;
	}
	if (fmt == 'x' || fmt == 'X') {
		fmt_fx(b, f, prec, fmt);
		return;
	}
	neg = signbit(f) != 0;
	a = fabs(f);
	if ((fmt == 'g' || fmt == 'G') && shortest && a < 1e6 && a >= 1 && a == (double)(int64_t)a) {
		/* a whole number below 1e6: its shortest digits with the exponent under
		 * 6 print in %f form, which is the integer */
		char tmp[24];
		size_t i = sizeof(tmp);
		int64_t k = (int64_t)a;
		do {
			tmp[--i] = (char)('0' + k % 10);
			k /= 10;
		} while (k);
		if (neg)
			tmp[--i] = '-';
		arc_buf_add(b, tmp + i, sizeof(tmp) - i);
		return;
	}
	if (fmt == 'f' && !shortest) {
		/* the C library rounds the exact binary value half to even, as Go does */
		int n = snprintf(NULL, 0, "%.*f", prec, a);
		char *tmp = xmalloc((size_t)n + 1);
		snprintf(tmp, (size_t)n + 1, "%.*f", prec, a);
		if (neg)
			arc_buf_putc(b, '-');
		arc_buf_add(b, tmp, (size_t)n);
		free(tmp);
		return;
	}
	if (shortest) {
		digits_shortest(&d, a);
		switch (fmt) {
		case 'e': case 'E': prec = d.nd > 1 ? d.nd - 1 : 0; break;
		case 'f': prec = d.nd > d.dp ? d.nd - d.dp : 0; break;
		default: prec = d.nd; break;
		}
	} else if (fmt == 'e' || fmt == 'E') {
		digits_fixed(&d, a, prec + 1);
	} else if (fmt == 'g' || fmt == 'G') {
		if (prec == 0)
			prec = 1;
		digits_fixed(&d, a, prec);
	} else {
		arc_buf_putc(b, '%');
		arc_buf_putc(b, fmt);
		return;
	}
	switch (fmt) {
	case 'e': case 'E':
		fmt_e(b, neg, &d, prec, fmt);
		break;
	case 'f':
		fmt_f(b, neg, &d, prec);
		break;
	case 'g': case 'G':
		eprec = prec;
		if (eprec > d.nd && d.nd >= d.dp)
			eprec = d.nd;
		if (shortest)
			eprec = 6;
		exp = d.dp - 1;
		if (exp < -4 || exp >= eprec) {
			if (prec > d.nd)
				prec = d.nd;
			fmt_e(b, neg, &d, prec - 1, (char)(fmt + 'e' - 'g'));
		} else {
			if (prec > d.dp)
				prec = d.nd;
			fmt_f(b, neg, &d, prec - d.dp > 0 ? prec - d.dp : 0);
		}
		break;
	default:
		arc_buf_putc(b, '%');
		arc_buf_putc(b, fmt);
		break;
	}
	fd_release(&d);
}

/* ---- the printer (Go's pp + fmt) ---- */

struct pp {
	struct arc_buf *b;
	int wid, prec;
	unsigned wid_p : 1, prec_p : 1, minus : 1, plus : 1, sharp : 1, space : 1, zero : 1;
	unsigned plus_v : 1, sharp_v : 1;
	int depth;
};

static void clear_flags(struct pp *p)
{
	p->wid = p->prec = 0;
	p->wid_p = p->prec_p = p->minus = p->plus = p->sharp = p->space = p->zero = 0;
	p->plus_v = p->sharp_v = 0;
}

static void write_padding(struct pp *p, int n)
{
	char c = p->zero && !p->minus ? '0' : ' ';

	while (n-- > 0)
		arc_buf_putc(p->b, c);
}

/* write s padded to the width (counted in runes) */
static void pad(struct pp *p, const char *s, size_t n)
{
	int w;

	if (!p->wid_p || p->wid == 0) {
		arc_buf_add(p->b, s, n);
		return;
	}
	w = p->wid - (int)rune_count(s, n);
	if (!p->minus) {
		write_padding(p, w);
		arc_buf_add(p->b, s, n);
	} else {
		arc_buf_add(p->b, s, n);
		write_padding(p, w);
	}
}

static void pad_str(struct pp *p, const char *s)
{
	pad(p, s, strlen(s));
}

/* pad with the zero flag ignored */
static void pad_nozero(struct pp *p, const char *s, size_t n)
{
	unsigned z = p->zero;

	p->zero = 0;
	pad(p, s, n);
	p->zero = z;
}

static void fmt_boolean(struct pp *p, int v)
{
	pad_str(p, v ? "true" : "false");
}

static void fmt_integer(struct pp *p, uint64_t u, int base, int is_signed, char verb, const char *digits)
{
	int negative = is_signed && (int64_t)u < 0;
	int prec = 0;
	size_t cap, i;
	char *buf, small[96];

	if (negative)
		u = -u;
	if (p->prec_p) {
		prec = p->prec;
		if (prec == 0 && u == 0) {
			unsigned z = p->zero;
			p->zero = 0;
			write_padding(p, p->wid);
			p->zero = z;
			return;
		}
	} else if (p->zero && !p->minus && p->wid_p) {
		prec = p->wid;
		if (negative || p->plus || p->space)
			prec--;
	}
	cap = 80 + (size_t)(prec > 0 ? prec : 0);
	buf = cap <= sizeof(small) ? small : xmalloc(cap);
	i = cap;
	do {
		buf[--i] = digits[u % (unsigned)base];
		u /= (unsigned)base;
	} while (u);
	while (i > 0 && prec > (int)(cap - i))
		buf[--i] = '0';
	if (p->sharp) {
		if (base == 2) {
			buf[--i] = 'b';
			buf[--i] = '0';
		} else if (base == 8) {
			if (buf[i] != '0')
				buf[--i] = '0';
		} else if (base == 16) {
			buf[--i] = digits[16];
			buf[--i] = '0';
		}
	}
	if (verb == 'O') {
		buf[--i] = 'o';
		buf[--i] = '0';
	}
	if (negative)
		buf[--i] = '-';
	else if (p->plus)
		buf[--i] = '+';
	else if (p->space)
		buf[--i] = ' ';
	pad_nozero(p, buf + i, cap - i);
	if (buf != small)
		free(buf);
}

static const char ldig[] = "0123456789abcdefx";
static const char udig[] = "0123456789ABCDEFX";

static void fmt_0x64(struct pp *p, uint64_t v, int leading)
{
	unsigned s = p->sharp;

	p->sharp = leading ? 1 : 0;
	fmt_integer(p, v, 16, 0, 'v', ldig);
	p->sharp = s;
}

static void fmt_c(struct pp *p, uint64_t c)
{
	struct arc_buf t = ARC_BUF_INIT;

	utf8_put(&t, c > 0x10FFFF ? 0xFFFD : (uint32_t)c);
	pad(p, t.ptr, t.len);
	arc_buf_release(&t);
}

static void fmt_qc(struct pp *p, uint64_t c)
{
	struct arc_buf t = ARC_BUF_INIT;

	quote_rune(&t, c > 0x10FFFF ? 0xFFFD : (uint32_t)c, p->plus);
	pad(p, t.ptr, t.len);
	arc_buf_release(&t);
}

/* %U: U+0041, with %#U also the quoted character */
static void fmt_unicode(struct pp *p, uint64_t u)
{
	struct arc_buf t = ARC_BUF_INIT;
	char hex[24];
	int prec = 4, n = 0, i;
	uint64_t v = u;

	if (p->prec_p && p->prec > 4)
		prec = p->prec;
	do {
		hex[n++] = uhex[v & 0xF];
		v >>= 4;
	} while (v);
	arc_buf_puts(&t, "U+");
	for (i = n; i < prec; i++)
		arc_buf_putc(&t, '0');
	while (n > 0)
		arc_buf_putc(&t, hex[--n]);
	if (p->sharp && u <= 0x10FFFF && is_print((uint32_t)u)) {
		arc_buf_puts(&t, " '");
		utf8_put(&t, (uint32_t)u);
		arc_buf_putc(&t, '\'');
	}
	pad_nozero(p, t.ptr, t.len);
	arc_buf_release(&t);
}

static size_t truncate_len(struct pp *p, const char *s, size_t n)
{
	size_t i = 0;
	int k;
	uint32_t r;

	if (!p->prec_p)
		return n;
	for (k = 0; k < p->prec && i < n; k++)
		i += utf8_dec((const unsigned char *)s + i, n - i, &r);
	return i;
}

static void fmt_s(struct pp *p, const char *s, size_t n)
{
	pad(p, s, truncate_len(p, s, n));
}

static void fmt_sx(struct pp *p, const char *s, size_t n, const char *digits)
{
	size_t length = n, i;
	int width;

	if (p->prec_p && p->prec < (int)length)
		length = (size_t)p->prec;
	width = 2 * (int)length;
	if (width > 0) {
		if (p->space) {
			if (p->sharp)
				width *= 2;
			width += (int)length - 1;
		} else if (p->sharp) {
			width += 2;
		}
	} else {
		if (p->wid_p)
			write_padding(p, p->wid);
		return;
	}
	if (p->wid_p && p->wid > width && !p->minus)
		write_padding(p, p->wid - width);
	if (p->sharp) {
		arc_buf_putc(p->b, '0');
		arc_buf_putc(p->b, digits[16]);
	}
	for (i = 0; i < length; i++) {
		unsigned char c = (unsigned char)s[i];
		if (p->space && i > 0) {
			arc_buf_putc(p->b, ' ');
			if (p->sharp) {
				arc_buf_putc(p->b, '0');
				arc_buf_putc(p->b, digits[16]);
			}
		}
		arc_buf_putc(p->b, digits[c >> 4]);
		arc_buf_putc(p->b, digits[c & 0xF]);
	}
	if (p->wid_p && p->wid > width && p->minus)
		write_padding(p, p->wid - width);
}

static void fmt_q(struct pp *p, const char *s, size_t n)
{
	struct arc_buf t = ARC_BUF_INIT;

	n = truncate_len(p, s, n);
	if (p->sharp && can_backquote(s, n)) {
		arc_buf_putc(&t, '`');
		arc_buf_add(&t, s, n);
		arc_buf_putc(&t, '`');
	} else {
		quote_with(&t, s, n, p->plus);
	}
	pad(p, arc_buf_cstr(&t), t.len);
	arc_buf_release(&t);
}

static void fmt_float_num(struct pp *p, double v, char verb, int prec)
{
	struct arc_buf t = ARC_BUF_INIT;
	char *num;
	size_t n;

	if (p->prec_p)
		prec = p->prec;
	arc_buf_putc(&t, '+');
	arc_fmt_float(&t, v, verb, prec);
	num = t.ptr;
	n = t.len;
	if (num[1] == '-' || num[1] == '+') {
		num++;
		n--;
	}
	if (p->space && num[0] == '+' && !p->plus)
		num[0] = ' ';
	if (num[1] == 'I' || num[1] == 'N') {
		if (num[1] == 'N' && !p->space && !p->plus) {
			num++;
			n--;
		}
		pad_nozero(p, num, n);
		arc_buf_release(&t);
		return;
	}
	if (p->sharp && verb != 'b') {
		/* keep the decimal point and trailing zeros */
		struct arc_buf o = ARC_BUF_INIT;
		const char *tail = "";
		size_t i, tlen = 0;
		int digits = 0, has_dot = 0, nonzero = 0;

		if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x')
			digits = prec == -1 ? 6 : prec;
		for (i = 1; i < n; i++) {
			char c = num[i];
			if (c == '.') {
				has_dot = 1;
			} else if (c == 'p' || c == 'P' ||
				   ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
				tail = num + i;
				tlen = n - i;
				n = i;
				break;
			} else {
				if (c != '0')
					nonzero = 1;
				if (nonzero)
					digits--;
			}
		}
		arc_buf_add(&o, num, n);
		if (!has_dot) {
			if (n == 2 && num[1] == '0')
				digits--;
			arc_buf_putc(&o, '.');
		}
		while (digits-- > 0)
			arc_buf_putc(&o, '0');
		arc_buf_add(&o, tail, tlen);
		arc_buf_release(&t);
		t = o;
		num = t.ptr;
		n = t.len;
	}
	if (p->plus || num[0] != '+') {
		if (p->zero && !p->minus && p->wid_p && p->wid > (int)n) {
			arc_buf_putc(p->b, num[0]);
			write_padding(p, p->wid - (int)n);
			arc_buf_add(p->b, num + 1, n - 1);
		} else {
			pad(p, num, n);
		}
	} else {
		pad(p, num + 1, n - 1);
	}
	arc_buf_release(&t);
}

static void print_value(struct pp *p, arc_value *v, int verb, int depth);
static void print_arg(struct pp *p, arc_value *v, int verb);

static void put_rune(struct arc_buf *b, int verb)
{
	utf8_put(b, (uint32_t)verb);
}

static void bad_verb(struct pp *p, arc_value *v, int verb)
{
	arc_buf_puts(p->b, "%!");
	put_rune(p->b, verb);
	arc_buf_putc(p->b, '(');
	if (v && v->kind != ARC_NULL) {
		arc_buf_puts(p->b, arc_v_gotype_name(v));
		arc_buf_putc(p->b, '=');
		print_arg(p, v, 'v');
	} else {
		arc_buf_puts(p->b, "<nil>");
	}
	arc_buf_putc(p->b, ')');
}

static int is_unsigned(const arc_value *v)
{
	return v->gotype == ARC_GO_UINT8 || v->gotype == ARC_GO_UINT64;
}

static void print_int(struct pp *p, arc_value *v, int verb)
{
	uint64_t u = (uint64_t)v->u.i;
	int sg = !is_unsigned(v);

	if (v->gotype == ARC_GO_UINT8)
		u &= 0xFF;
	else if (v->gotype == ARC_GO_INT32)
		u = (uint64_t)(int64_t)(int32_t)v->u.i;
	switch (verb) {
	case 'v':
		if (p->sharp_v && !sg)
			fmt_0x64(p, u, 1);
		else
			fmt_integer(p, u, 10, sg, (char)verb, ldig);
		break;
	case 'd': fmt_integer(p, u, 10, sg, (char)verb, ldig); break;
	case 'b': fmt_integer(p, u, 2, sg, (char)verb, ldig); break;
	case 'o': case 'O': fmt_integer(p, u, 8, sg, (char)verb, ldig); break;
	case 'x': fmt_integer(p, u, 16, sg, (char)verb, ldig); break;
	case 'X': fmt_integer(p, u, 16, sg, (char)verb, udig); break;
	case 'c': fmt_c(p, u); break;
	case 'q': fmt_qc(p, u); break;
	case 'U': fmt_unicode(p, u); break;
	default: bad_verb(p, v, verb); break;
	}
}

static void print_float(struct pp *p, arc_value *v, int verb)
{
	switch (verb) {
	case 'v': fmt_float_num(p, v->u.f, 'g', -1); break;
	case 'b': case 'g': case 'G': case 'x': case 'X': fmt_float_num(p, v->u.f, (char)verb, -1); break;
	case 'f': case 'e': case 'E': fmt_float_num(p, v->u.f, (char)verb, 6); break;
	case 'F': fmt_float_num(p, v->u.f, 'f', 6); break;
	default: bad_verb(p, v, verb); break;
	}
}

static void print_string(struct pp *p, arc_value *v, const char *s, size_t n, int verb)
{
	switch (verb) {
	case 'v':
		if (p->sharp_v)
			fmt_q(p, s, n);
		else
			fmt_s(p, s, n);
		break;
	case 's': fmt_s(p, s, n); break;
	case 'x': fmt_sx(p, s, n, ldig); break;
	case 'X': fmt_sx(p, s, n, udig); break;
	case 'q': fmt_q(p, s, n); break;
	default:
		if (v)
			bad_verb(p, v, verb);
		else {
			arc_value *t = arc_v_strn(s, n);
			bad_verb(p, t, verb);
			arc_v_unref(t);
		}
		break;
	}
}

/* []byte: %v and %d print the numbers; %s %q %x %X the bytes as a string */
static void print_bytes(struct pp *p, arc_value *v, int verb, int depth)
{
	const unsigned char *s = (const unsigned char *)v->u.s.ptr;
	size_t i, n = v->u.s.len;

	switch (verb) {
	case 'v': case 'd':
		if (p->sharp_v) {
			arc_buf_puts(p->b, "[]byte{");
			for (i = 0; i < n; i++) {
				if (i)
					arc_buf_puts(p->b, ", ");
				fmt_0x64(p, s[i], 1);
			}
			arc_buf_putc(p->b, '}');
		} else {
			arc_buf_putc(p->b, '[');
			for (i = 0; i < n; i++) {
				if (i)
					arc_buf_putc(p->b, ' ');
				fmt_integer(p, s[i], 10, 0, (char)verb, ldig);
			}
			arc_buf_putc(p->b, ']');
		}
		break;
	case 's': fmt_s(p, v->u.s.ptr, n); break;
	case 'x': fmt_sx(p, v->u.s.ptr, n, ldig); break;
	case 'X': fmt_sx(p, v->u.s.ptr, n, udig); break;
	case 'q': fmt_q(p, v->u.s.ptr, n); break;
	default:
		/* each byte as a uint8 */
		arc_buf_putc(p->b, '[');
		for (i = 0; i < n; i++) {
			arc_value *e = arc_v_int_typed(s[i], ARC_GO_UINT8);
			if (i)
				arc_buf_putc(p->b, ' ');
			print_value(p, e, verb, depth + 1);
			arc_v_unref(e);
		}
		arc_buf_putc(p->b, ']');
		break;
	}
}

/* an element of a container whose static type is interface {} */
static void print_iface(struct pp *p, arc_value *e, int verb, int depth)
{
	if (e->kind == ARC_NULL) {
		arc_buf_puts(p->b, p->sharp_v ? "interface {}(nil)" : "<nil>");
		return;
	}
	print_value(p, e, verb, depth + 1);
}

static void print_object(struct pp *p, arc_value *v, int verb, int depth)
{
	struct arc_buf t = ARC_BUF_INIT;
	arc_value *u = arc_v_underlying(v);
	int has_string = v->u.o.cls && v->u.o.cls->format;
	int string_verb = verb == 'v' || verb == 's' || verb == 'q' || verb == 'x' || verb == 'X';

	if (u && (!has_string || !string_verb || p->sharp_v)) {
		/* Go formats the underlying integer, map or slice (the String method
		 * only serves the string verbs, and not %#v) */
		if (u->kind == ARC_INT && !strchr("vdbOoxXcqU", verb)) {
			/* Go shows the bad verb with the integer, not its String() */
			arc_buf_puts(p->b, "%!");
			put_rune(p->b, verb);
			arc_buf_putc(p->b, '(');
			arc_buf_puts(p->b, arc_v_gotype_name(v));
			arc_buf_putc(p->b, '=');
			print_value(p, u, 'v', 0);
			arc_buf_putc(p->b, ')');
		} else
			print_value(p, u, verb, depth);
		arc_v_unref(u);
		return;
	}
	arc_v_unref(u);
	if (has_string)
		v->u.o.cls->format(v, &t);
	else
		arc_buf_puts(&t, "{}");
	if (string_verb)
		print_string(p, NULL, arc_buf_cstr(&t), t.len, verb == 'v' && p->sharp_v ? 's' : verb);
	else
		bad_verb(p, v, verb);
	arc_buf_release(&t);
}

static void print_value(struct pp *p, arc_value *v, int verb, int depth)
{
	size_t i, n;

	if (p->b->over)
		return; /* a bounded buffer is full (codec.h): stop, however big v is */
	if (depth > FMT_MAX_DEPTH) {
		arc_buf_puts(p->b, "...");
		return;
	}
	switch (v->kind) {
	case ARC_NULL:
		if (depth == 0)
			arc_buf_puts(p->b, "<invalid reflect.Value>");
		else if (verb == 'v')
			arc_buf_puts(p->b, "<nil>");
		else
			bad_verb(p, NULL, verb);
		break;
	case ARC_BOOL:
		if (verb == 't' || verb == 'v')
			fmt_boolean(p, v->u.b);
		else
			bad_verb(p, v, verb);
		break;
	case ARC_INT:
		print_int(p, v, verb);
		break;
	case ARC_FLOAT:
		print_float(p, v, verb);
		break;
	case ARC_STRING:
		if (v->gotype == ARC_GO_BYTES)
			print_bytes(p, v, verb, depth);
		else
			print_string(p, v, v->u.s.ptr, v->u.s.len, verb);
		break;
	case ARC_LIST:
		n = v->u.l.len;
		if (p->sharp_v) {
			arc_buf_puts(p->b, arc_v_gotype_name(v));
			arc_buf_putc(p->b, '{');
		} else {
			arc_buf_putc(p->b, '[');
		}
		for (i = 0; i < n && !p->b->over; i++) {
			if (i)
				arc_buf_puts(p->b, p->sharp_v ? ", " : " ");
			if (v->gotype == ARC_GO_STRINGS || v->gotype == ARC_GO_INTS)
				print_value(p, v->u.l.items[i], verb, depth + 1);
			else
				print_iface(p, v->u.l.items[i], verb, depth + 1);
		}
		arc_buf_putc(p->b, p->sharp_v ? '}' : ']');
		break;
	case ARC_MAP: {
		size_t *idx = arc_v_map_sorted(v);
		n = arc_v_map_len(v);
		if (p->sharp_v) {
			arc_buf_puts(p->b, arc_v_gotype_name(v));
			arc_buf_putc(p->b, '{');
		} else {
			arc_buf_puts(p->b, "map[");
		}
		for (i = 0; i < n && !p->b->over; i++) {
			size_t k = idx ? idx[i] : i;
			arc_value *e = arc_v_map_val(v, k);
			if (i)
				arc_buf_puts(p->b, p->sharp_v ? ", " : " ");
			print_string(p, NULL, arc_v_map_key(v, k), arc_v_map_keylen(v, k), verb);
			arc_buf_putc(p->b, ':');
			if (v->gotype == ARC_GO_MAPSTR)
				print_value(p, e, verb, depth + 1);
			else
				print_iface(p, e, verb, depth + 1);
		}
		arc_buf_putc(p->b, p->sharp_v ? '}' : ']');
		free(idx);
		break;
	}
	case ARC_OBJECT:
		print_object(p, v, verb, depth);
		break;
	}
}

static void fmt_pointer(struct pp *p, arc_value *v, int verb)
{
	uint64_t u;

	if (v->kind != ARC_LIST && v->kind != ARC_MAP && v->kind != ARC_OBJECT) {
		bad_verb(p, v, verb);
		return;
	}
	u = (uint64_t)(uintptr_t)v;
	if (p->sharp_v) {
		arc_buf_putc(p->b, '(');
		arc_buf_puts(p->b, arc_v_gotype_name(v));
		arc_buf_puts(p->b, ")(");
		fmt_0x64(p, u, 1);
		arc_buf_putc(p->b, ')');
	} else {
		fmt_0x64(p, u, !p->sharp);
	}
}

static void print_arg(struct pp *p, arc_value *v, int verb)
{
	if (v->kind == ARC_NULL) {
		if (verb == 'T' || verb == 'v')
			pad_str(p, "<nil>");
		else
			bad_verb(p, NULL, verb);
		return;
	}
	if (verb == 'T') {
		const char *t = arc_v_gotype_name(v);
		fmt_s(p, t, strlen(t));
		return;
	}
	if (verb == 'p') {
		fmt_pointer(p, v, verb);
		return;
	}
	print_value(p, v, verb, 0);
}

void arc_fmt_v(struct arc_buf *b, arc_value *v)
{
	struct pp p;

	memset(&p, 0, sizeof(p));
	p.b = b;
	print_arg(&p, v, 'v');
}

/* ---- Sprintf ---- */

/* digits at s[i..end); *isnum says whether any were read */
static int parse_num(const char *s, size_t *i, size_t end, int *isnum)
{
	int num = 0;

	*isnum = 0;
	while (*i < end && s[*i] >= '0' && s[*i] <= '9') {
		if (num > FMT_TOO_LARGE) {
			*isnum = 0;
			*i = end;
			return 0;
		}
		num = num * 10 + (s[*i] - '0');
		*isnum = 1;
		(*i)++;
	}
	return num;
}

struct argstate {
	int argnum;
	int reordered;
	int good;
};

/* "[n]" at format[*i]: sets argnum, returns 1 if found */
static int arg_number(struct argstate *st, const char *f, size_t *i, size_t end, int nargs)
{
	size_t j;

	if (*i >= end || f[*i] != '[')
		return 0;
	st->reordered = 1;
	if (end - *i < 3) {
		(*i)++;
		st->good = 0;
		return 0;
	}
	for (j = *i + 1; j < end; j++) {
		if (f[j] == ']') {
			size_t k = *i + 1;
			int isnum, idx = parse_num(f, &k, j, &isnum);
			if (!isnum || k != j) {
				*i = j + 1;
				st->good = 0;
				return 0;
			}
			idx--;
			*i = j + 1;
			if (idx >= 0 && idx < nargs) {
				st->argnum = idx;
				return 1;
			}
			st->good = 0;
			return 1;
		}
	}
	(*i)++;
	st->good = 0;
	return 0;
}

/* an int argument for '*' */
static int int_from_arg(arc_value **args, int nargs, int *argnum, int *num)
{
	arc_value *a;
	int ok = 0;

	*num = 0;
	if (*argnum >= nargs)
		return 0;
	a = args[*argnum];
	if (a->kind == ARC_INT) {
		int64_t v = a->u.i;
		if (a->gotype == ARC_GO_UINT64 && v < 0) {
			ok = 0;
		} else {
			if (a->gotype == ARC_GO_UINT8)
				v &= 0xFF;
			else if (a->gotype == ARC_GO_INT32)
				v = (int32_t)v;
			if (v >= -FMT_TOO_LARGE && v <= FMT_TOO_LARGE) {
				*num = (int)v;
				ok = 1;
			}
		}
	}
	(*argnum)++;
	return ok;
}

void arc_fmt_sprintf(struct arc_buf *b, const char *f, size_t end, arc_value **args, int nargs)
{
	struct pp p;
	struct argstate st = { 0, 0, 1 };
	size_t i = 0;
	int after_index = 0;

	memset(&p, 0, sizeof(p));
	p.b = b;
	while (i < end && !b->over) {
		size_t last = i;
		int verb;
		uint32_t r;

		st.good = 1;
		while (i < end && f[i] != '%')
			i++;
		if (i > last)
			arc_buf_add(b, f + last, i - last);
		if (i >= end)
			break;
		i++;
		clear_flags(&p);
		for (; i < end; i++) {
			char c = f[i];
			if (c == '#') {
				p.sharp = 1;
			} else if (c == '0') {
				p.zero = !p.minus;
			} else if (c == '+') {
				p.plus = 1;
			} else if (c == '-') {
				p.minus = 1;
				p.zero = 0;
			} else if (c == ' ') {
				p.space = 1;
			} else {
				break;
			}
		}
		after_index = arg_number(&st, f, &i, end, nargs);
		if (i < end && f[i] == '*') {
			int ok;
			i++;
			ok = int_from_arg(args, nargs, &st.argnum, &p.wid);
			p.wid_p = ok ? 1 : 0;
			if (!ok)
				arc_buf_puts(b, "%!(BADWIDTH)");
			if (p.wid < 0) {
				p.wid = -p.wid;
				p.minus = 1;
				p.zero = 0;
			}
			after_index = 0;
		} else {
			int isnum;
			p.wid = parse_num(f, &i, end, &isnum);
			p.wid_p = isnum ? 1 : 0;
			if (after_index && p.wid_p)
				st.good = 0;
		}
		if (i + 1 < end && f[i] == '.') {
			i++;
			if (after_index)
				st.good = 0;
			after_index = arg_number(&st, f, &i, end, nargs);
			if (i < end && f[i] == '*') {
				int ok;
				i++;
				ok = int_from_arg(args, nargs, &st.argnum, &p.prec);
				p.prec_p = ok ? 1 : 0;
				if (p.prec < 0) {
					p.prec = 0;
					p.prec_p = 0;
				}
				if (!p.prec_p)
					arc_buf_puts(b, "%!(BADPREC)");
				after_index = 0;
			} else {
				int isnum;
				p.prec = parse_num(f, &i, end, &isnum);
				p.prec_p = 1;
				if (!isnum)
					p.prec = 0;
			}
		}
		if (!after_index)
			after_index = arg_number(&st, f, &i, end, nargs);
		if (i >= end) {
			arc_buf_puts(b, "%!(NOVERB)");
			break;
		}
		i += utf8_dec((const unsigned char *)f + i, end - i, &r);
		verb = (int)r;
		if (verb == '%') {
			arc_buf_putc(b, '%');
		} else if (!st.good) {
			arc_buf_puts(b, "%!");
			put_rune(b, verb);
			arc_buf_puts(b, "(BADINDEX)");
		} else if (st.argnum >= nargs) {
			arc_buf_puts(b, "%!");
			put_rune(b, verb);
			arc_buf_puts(b, "(MISSING)");
		} else {
			if (verb == 'v') {
				p.sharp_v = p.sharp;
				p.sharp = 0;
				p.plus_v = p.plus;
				p.plus = 0;
			}
			print_arg(&p, args[st.argnum], verb);
			st.argnum++;
		}
	}
	if (!st.reordered && st.argnum < nargs) {
		int k;
		clear_flags(&p);
		arc_buf_puts(b, "%!(EXTRA ");
		for (k = st.argnum; k < nargs; k++) {
			if (k > st.argnum)
				arc_buf_puts(b, ", ");
			if (args[k]->kind == ARC_NULL) {
				arc_buf_puts(b, "<nil>");
			} else {
				arc_buf_puts(b, arc_v_gotype_name(args[k]));
				arc_buf_putc(b, '=');
				print_arg(&p, args[k], 'v');
			}
		}
		arc_buf_putc(b, ')');
	}
}
