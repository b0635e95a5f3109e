/*
 * yaml_out.c - YAML out, byte-identical to Helm's toYaml.
 *
 * Helm's toYaml is sigs.k8s.io/yaml.Marshal: encoding/json.Marshal, then the
 * JSON text is read back by yaml.v2 (so numbers become int, uint64 or float64
 * the way yaml.v2 resolves the JSON digits, and the JSON text itself must
 * survive a YAML parse), then yaml.v2's emitter writes the tree.  This file
 * reproduces each of those steps on arc_values: Go's number formatting, the
 * few ways the JSON re-read alters or rejects strings, yaml.v2's key order,
 * its choice of scalar style (what would resolve to a non-string is quoted)
 * and its emitter (a libyaml port: indent 2, width 80, block sequences not
 * indented under mapping keys).  Output goes straight into the caller's
 * buffer, in one pass over the value.
 */
#include "codec.h"
#include "yaml_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEST_INDENT 2
#define BEST_WIDTH 80
#define MAX_DEPTH 10000  /* nesting of lists and maps written */
#define SIMPLE_KEY_MAX 128
#define JSON_KEY_MAX 1024 /* yaml.v2 drops a simple key longer than this */

/* ------------------------------------------------------------------ */
/* Unicode letter and decimal-digit ranges above ASCII, for yaml.v2's key
 * order (unicode.IsLetter, unicode.IsDigit).  Generated from the Unicode
 * Character Database (categories L* and Nd) by a script, not hand-typed. */
static const uint32_t uni_letters[][2] = {
	{0xAA, 0xAA}, {0xB5, 0xB5}, {0xBA, 0xBA}, {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x2C1},
	{0x2C6, 0x2D1}, {0x2E0, 0x2E4}, {0x2EC, 0x2EC}, {0x2EE, 0x2EE}, {0x370, 0x374}, {0x376, 0x377},
	{0x37A, 0x37D}, {0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3A1},
	{0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x48A, 0x52F}, {0x531, 0x556}, {0x559, 0x559}, {0x560, 0x588},
	{0x5D0, 0x5EA}, {0x5EF, 0x5F2}, {0x620, 0x64A}, {0x66E, 0x66F}, {0x671, 0x6D3}, {0x6D5, 0x6D5},
	{0x6E5, 0x6E6}, {0x6EE, 0x6EF}, {0x6FA, 0x6FC}, {0x6FF, 0x6FF}, {0x710, 0x710}, {0x712, 0x72F},
	{0x74D, 0x7A5}, {0x7B1, 0x7B1}, {0x7CA, 0x7EA}, {0x7F4, 0x7F5}, {0x7FA, 0x7FA}, {0x800, 0x815},
	{0x81A, 0x81A}, {0x824, 0x824}, {0x828, 0x828}, {0x840, 0x858}, {0x860, 0x86A}, {0x870, 0x887},
	{0x889, 0x88E}, {0x8A0, 0x8C9}, {0x904, 0x939}, {0x93D, 0x93D}, {0x950, 0x950}, {0x958, 0x961},
	{0x971, 0x980}, {0x985, 0x98C}, {0x98F, 0x990}, {0x993, 0x9A8}, {0x9AA, 0x9B0}, {0x9B2, 0x9B2},
	{0x9B6, 0x9B9}, {0x9BD, 0x9BD}, {0x9CE, 0x9CE}, {0x9DC, 0x9DD}, {0x9DF, 0x9E1}, {0x9F0, 0x9F1},
	{0x9FC, 0x9FC}, {0xA05, 0xA0A}, {0xA0F, 0xA10}, {0xA13, 0xA28}, {0xA2A, 0xA30}, {0xA32, 0xA33},
	{0xA35, 0xA36}, {0xA38, 0xA39}, {0xA59, 0xA5C}, {0xA5E, 0xA5E}, {0xA72, 0xA74}, {0xA85, 0xA8D},
	{0xA8F, 0xA91}, {0xA93, 0xAA8}, {0xAAA, 0xAB0}, {0xAB2, 0xAB3}, {0xAB5, 0xAB9}, {0xABD, 0xABD},
	{0xAD0, 0xAD0}, {0xAE0, 0xAE1}, {0xAF9, 0xAF9}, {0xB05, 0xB0C}, {0xB0F, 0xB10}, {0xB13, 0xB28},
	{0xB2A, 0xB30}, {0xB32, 0xB33}, {0xB35, 0xB39}, {0xB3D, 0xB3D}, {0xB5C, 0xB5D}, {0xB5F, 0xB61},
	{0xB71, 0xB71}, {0xB83, 0xB83}, {0xB85, 0xB8A}, {0xB8E, 0xB90}, {0xB92, 0xB95}, {0xB99, 0xB9A},
	{0xB9C, 0xB9C}, {0xB9E, 0xB9F}, {0xBA3, 0xBA4}, {0xBA8, 0xBAA}, {0xBAE, 0xBB9}, {0xBD0, 0xBD0},
	{0xC05, 0xC0C}, {0xC0E, 0xC10}, {0xC12, 0xC28}, {0xC2A, 0xC39}, {0xC3D, 0xC3D}, {0xC58, 0xC5A},
	{0xC5D, 0xC5D}, {0xC60, 0xC61}, {0xC80, 0xC80}, {0xC85, 0xC8C}, {0xC8E, 0xC90}, {0xC92, 0xCA8},
	{0xCAA, 0xCB3}, {0xCB5, 0xCB9}, {0xCBD, 0xCBD}, {0xCDD, 0xCDE}, {0xCE0, 0xCE1}, {0xCF1, 0xCF2},
	{0xD04, 0xD0C}, {0xD0E, 0xD10}, {0xD12, 0xD3A}, {0xD3D, 0xD3D}, {0xD4E, 0xD4E}, {0xD54, 0xD56},
	{0xD5F, 0xD61}, {0xD7A, 0xD7F}, {0xD85, 0xD96}, {0xD9A, 0xDB1}, {0xDB3, 0xDBB}, {0xDBD, 0xDBD},
	{0xDC0, 0xDC6}, {0xE01, 0xE30}, {0xE32, 0xE33}, {0xE40, 0xE46}, {0xE81, 0xE82}, {0xE84, 0xE84},
	{0xE86, 0xE8A}, {0xE8C, 0xEA3}, {0xEA5, 0xEA5}, {0xEA7, 0xEB0}, {0xEB2, 0xEB3}, {0xEBD, 0xEBD},
	{0xEC0, 0xEC4}, {0xEC6, 0xEC6}, {0xEDC, 0xEDF}, {0xF00, 0xF00}, {0xF40, 0xF47}, {0xF49, 0xF6C},
	{0xF88, 0xF8C}, {0x1000, 0x102A}, {0x103F, 0x103F}, {0x1050, 0x1055}, {0x105A, 0x105D},
	{0x1061, 0x1061}, {0x1065, 0x1066}, {0x106E, 0x1070}, {0x1075, 0x1081}, {0x108E, 0x108E},
	{0x10A0, 0x10C5}, {0x10C7, 0x10C7}, {0x10CD, 0x10CD}, {0x10D0, 0x10FA}, {0x10FC, 0x1248},
	{0x124A, 0x124D}, {0x1250, 0x1256}, {0x1258, 0x1258}, {0x125A, 0x125D}, {0x1260, 0x1288},
	{0x128A, 0x128D}, {0x1290, 0x12B0}, {0x12B2, 0x12B5}, {0x12B8, 0x12BE}, {0x12C0, 0x12C0},
	{0x12C2, 0x12C5}, {0x12C8, 0x12D6}, {0x12D8, 0x1310}, {0x1312, 0x1315}, {0x1318, 0x135A},
	{0x1380, 0x138F}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1401, 0x166C}, {0x166F, 0x167F},
	{0x1681, 0x169A}, {0x16A0, 0x16EA}, {0x16F1, 0x16F8}, {0x1700, 0x1711}, {0x171F, 0x1731},
	{0x1740, 0x1751}, {0x1760, 0x176C}, {0x176E, 0x1770}, {0x1780, 0x17B3}, {0x17D7, 0x17D7},
	{0x17DC, 0x17DC}, {0x1820, 0x1878}, {0x1880, 0x1884}, {0x1887, 0x18A8}, {0x18AA, 0x18AA},
	{0x18B0, 0x18F5}, {0x1900, 0x191E}, {0x1950, 0x196D}, {0x1970, 0x1974}, {0x1980, 0x19AB},
	{0x19B0, 0x19C9}, {0x1A00, 0x1A16}, {0x1A20, 0x1A54}, {0x1AA7, 0x1AA7}, {0x1B05, 0x1B33},
	{0x1B45, 0x1B4C}, {0x1B83, 0x1BA0}, {0x1BAE, 0x1BAF}, {0x1BBA, 0x1BE5}, {0x1C00, 0x1C23},
	{0x1C4D, 0x1C4F}, {0x1C5A, 0x1C7D}, {0x1C80, 0x1C88}, {0x1C90, 0x1CBA}, {0x1CBD, 0x1CBF},
	{0x1CE9, 0x1CEC}, {0x1CEE, 0x1CF3}, {0x1CF5, 0x1CF6}, {0x1CFA, 0x1CFA}, {0x1D00, 0x1DBF},
	{0x1E00, 0x1F15}, {0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D}, {0x1F50, 0x1F57},
	{0x1F59, 0x1F59}, {0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4},
	{0x1FB6, 0x1FBC}, {0x1FBE, 0x1FBE}, {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3},
	{0x1FD6, 0x1FDB}, {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC}, {0x2071, 0x2071},
	{0x207F, 0x207F}, {0x2090, 0x209C}, {0x2102, 0x2102}, {0x2107, 0x2107}, {0x210A, 0x2113},
	{0x2115, 0x2115}, {0x2119, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126}, {0x2128, 0x2128},
	{0x212A, 0x212D}, {0x212F, 0x2139}, {0x213C, 0x213F}, {0x2145, 0x2149}, {0x214E, 0x214E},
	{0x2183, 0x2184}, {0x2C00, 0x2CE4}, {0x2CEB, 0x2CEE}, {0x2CF2, 0x2CF3}, {0x2D00, 0x2D25},
	{0x2D27, 0x2D27}, {0x2D2D, 0x2D2D}, {0x2D30, 0x2D67}, {0x2D6F, 0x2D6F}, {0x2D80, 0x2D96},
	{0x2DA0, 0x2DA6}, {0x2DA8, 0x2DAE}, {0x2DB0, 0x2DB6}, {0x2DB8, 0x2DBE}, {0x2DC0, 0x2DC6},
	{0x2DC8, 0x2DCE}, {0x2DD0, 0x2DD6}, {0x2DD8, 0x2DDE}, {0x2E2F, 0x2E2F}, {0x3005, 0x3006},
	{0x3031, 0x3035}, {0x303B, 0x303C}, {0x3041, 0x3096}, {0x309D, 0x309F}, {0x30A1, 0x30FA},
	{0x30FC, 0x30FF}, {0x3105, 0x312F}, {0x3131, 0x318E}, {0x31A0, 0x31BF}, {0x31F0, 0x31FF},
	{0x3400, 0x4DBF}, {0x4E00, 0xA48C}, {0xA4D0, 0xA4FD}, {0xA500, 0xA60C}, {0xA610, 0xA61F},
	{0xA62A, 0xA62B}, {0xA640, 0xA66E}, {0xA67F, 0xA69D}, {0xA6A0, 0xA6E5}, {0xA717, 0xA71F},
	{0xA722, 0xA788}, {0xA78B, 0xA7CA}, {0xA7D0, 0xA7D1}, {0xA7D3, 0xA7D3}, {0xA7D5, 0xA7D9},
	{0xA7F2, 0xA801}, {0xA803, 0xA805}, {0xA807, 0xA80A}, {0xA80C, 0xA822}, {0xA840, 0xA873},
	{0xA882, 0xA8B3}, {0xA8F2, 0xA8F7}, {0xA8FB, 0xA8FB}, {0xA8FD, 0xA8FE}, {0xA90A, 0xA925},
	{0xA930, 0xA946}, {0xA960, 0xA97C}, {0xA984, 0xA9B2}, {0xA9CF, 0xA9CF}, {0xA9E0, 0xA9E4},
	{0xA9E6, 0xA9EF}, {0xA9FA, 0xA9FE}, {0xAA00, 0xAA28}, {0xAA40, 0xAA42}, {0xAA44, 0xAA4B},
	{0xAA60, 0xAA76}, {0xAA7A, 0xAA7A}, {0xAA7E, 0xAAAF}, {0xAAB1, 0xAAB1}, {0xAAB5, 0xAAB6},
	{0xAAB9, 0xAABD}, {0xAAC0, 0xAAC0}, {0xAAC2, 0xAAC2}, {0xAADB, 0xAADD}, {0xAAE0, 0xAAEA},
	{0xAAF2, 0xAAF4}, {0xAB01, 0xAB06}, {0xAB09, 0xAB0E}, {0xAB11, 0xAB16}, {0xAB20, 0xAB26},
	{0xAB28, 0xAB2E}, {0xAB30, 0xAB5A}, {0xAB5C, 0xAB69}, {0xAB70, 0xABE2}, {0xAC00, 0xD7A3},
	{0xD7B0, 0xD7C6}, {0xD7CB, 0xD7FB}, {0xF900, 0xFA6D}, {0xFA70, 0xFAD9}, {0xFB00, 0xFB06},
	{0xFB13, 0xFB17}, {0xFB1D, 0xFB1D}, {0xFB1F, 0xFB28}, {0xFB2A, 0xFB36}, {0xFB38, 0xFB3C},
	{0xFB3E, 0xFB3E}, {0xFB40, 0xFB41}, {0xFB43, 0xFB44}, {0xFB46, 0xFBB1}, {0xFBD3, 0xFD3D},
	{0xFD50, 0xFD8F}, {0xFD92, 0xFDC7}, {0xFDF0, 0xFDFB}, {0xFE70, 0xFE74}, {0xFE76, 0xFEFC},
	{0xFF21, 0xFF3A}, {0xFF41, 0xFF5A}, {0xFF66, 0xFFBE}, {0xFFC2, 0xFFC7}, {0xFFCA, 0xFFCF},
	{0xFFD2, 0xFFD7}, {0xFFDA, 0xFFDC}, {0x10000, 0x1000B}, {0x1000D, 0x10026}, {0x10028, 0x1003A},
	{0x1003C, 0x1003D}, {0x1003F, 0x1004D}, {0x10050, 0x1005D}, {0x10080, 0x100FA},
	{0x10280, 0x1029C}, {0x102A0, 0x102D0}, {0x10300, 0x1031F}, {0x1032D, 0x10340},
	{0x10342, 0x10349}, {0x10350, 0x10375}, {0x10380, 0x1039D}, {0x103A0, 0x103C3},
	{0x103C8, 0x103CF}, {0x10400, 0x1049D}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
	{0x10500, 0x10527}, {0x10530, 0x10563}, {0x10570, 0x1057A}, {0x1057C, 0x1058A},
	{0x1058C, 0x10592}, {0x10594, 0x10595}, {0x10597, 0x105A1}, {0x105A3, 0x105B1},
	{0x105B3, 0x105B9}, {0x105BB, 0x105BC}, {0x10600, 0x10736}, {0x10740, 0x10755},
	{0x10760, 0x10767}, {0x10780, 0x10785}, {0x10787, 0x107B0}, {0x107B2, 0x107BA},
	{0x10800, 0x10805}, {0x10808, 0x10808}, {0x1080A, 0x10835}, {0x10837, 0x10838},
	{0x1083C, 0x1083C}, {0x1083F, 0x10855}, {0x10860, 0x10876}, {0x10880, 0x1089E},
	{0x108E0, 0x108F2}, {0x108F4, 0x108F5}, {0x10900, 0x10915}, {0x10920, 0x10939},
	{0x10980, 0x109B7}, {0x109BE, 0x109BF}, {0x10A00, 0x10A00}, {0x10A10, 0x10A13},
	{0x10A15, 0x10A17}, {0x10A19, 0x10A35}, {0x10A60, 0x10A7C}, {0x10A80, 0x10A9C},
	{0x10AC0, 0x10AC7}, {0x10AC9, 0x10AE4}, {0x10B00, 0x10B35}, {0x10B40, 0x10B55},
	{0x10B60, 0x10B72}, {0x10B80, 0x10B91}, {0x10C00, 0x10C48}, {0x10C80, 0x10CB2},
	{0x10CC0, 0x10CF2}, {0x10D00, 0x10D23}, {0x10E80, 0x10EA9}, {0x10EB0, 0x10EB1},
	{0x10F00, 0x10F1C}, {0x10F27, 0x10F27}, {0x10F30, 0x10F45}, {0x10F70, 0x10F81},
	{0x10FB0, 0x10FC4}, {0x10FE0, 0x10FF6}, {0x11003, 0x11037}, {0x11071, 0x11072},
	{0x11075, 0x11075}, {0x11083, 0x110AF}, {0x110D0, 0x110E8}, {0x11103, 0x11126},
	{0x11144, 0x11144}, {0x11147, 0x11147}, {0x11150, 0x11172}, {0x11176, 0x11176},
	{0x11183, 0x111B2}, {0x111C1, 0x111C4}, {0x111DA, 0x111DA}, {0x111DC, 0x111DC},
	{0x11200, 0x11211}, {0x11213, 0x1122B}, {0x11280, 0x11286}, {0x11288, 0x11288},
	{0x1128A, 0x1128D}, {0x1128F, 0x1129D}, {0x1129F, 0x112A8}, {0x112B0, 0x112DE},
	{0x11305, 0x1130C}, {0x1130F, 0x11310}, {0x11313, 0x11328}, {0x1132A, 0x11330},
	{0x11332, 0x11333}, {0x11335, 0x11339}, {0x1133D, 0x1133D}, {0x11350, 0x11350},
	{0x1135D, 0x11361}, {0x11400, 0x11434}, {0x11447, 0x1144A}, {0x1145F, 0x11461},
	{0x11480, 0x114AF}, {0x114C4, 0x114C5}, {0x114C7, 0x114C7}, {0x11580, 0x115AE},
	{0x115D8, 0x115DB}, {0x11600, 0x1162F}, {0x11644, 0x11644}, {0x11680, 0x116AA},
	{0x116B8, 0x116B8}, {0x11700, 0x1171A}, {0x11740, 0x11746}, {0x11800, 0x1182B},
	{0x118A0, 0x118DF}, {0x118FF, 0x11906}, {0x11909, 0x11909}, {0x1190C, 0x11913},
	{0x11915, 0x11916}, {0x11918, 0x1192F}, {0x1193F, 0x1193F}, {0x11941, 0x11941},
	{0x119A0, 0x119A7}, {0x119AA, 0x119D0}, {0x119E1, 0x119E1}, {0x119E3, 0x119E3},
	{0x11A00, 0x11A00}, {0x11A0B, 0x11A32}, {0x11A3A, 0x11A3A}, {0x11A50, 0x11A50},
	{0x11A5C, 0x11A89}, {0x11A9D, 0x11A9D}, {0x11AB0, 0x11AF8}, {0x11C00, 0x11C08},
	{0x11C0A, 0x11C2E}, {0x11C40, 0x11C40}, {0x11C72, 0x11C8F}, {0x11D00, 0x11D06},
	{0x11D08, 0x11D09}, {0x11D0B, 0x11D30}, {0x11D46, 0x11D46}, {0x11D60, 0x11D65},
	{0x11D67, 0x11D68}, {0x11D6A, 0x11D89}, {0x11D98, 0x11D98}, {0x11EE0, 0x11EF2},
	{0x11FB0, 0x11FB0}, {0x12000, 0x12399}, {0x12480, 0x12543}, {0x12F90, 0x12FF0},
	{0x13000, 0x1342E}, {0x14400, 0x14646}, {0x16800, 0x16A38}, {0x16A40, 0x16A5E},
	{0x16A70, 0x16ABE}, {0x16AD0, 0x16AED}, {0x16B00, 0x16B2F}, {0x16B40, 0x16B43},
	{0x16B63, 0x16B77}, {0x16B7D, 0x16B8F}, {0x16E40, 0x16E7F}, {0x16F00, 0x16F4A},
	{0x16F50, 0x16F50}, {0x16F93, 0x16F9F}, {0x16FE0, 0x16FE1}, {0x16FE3, 0x16FE3},
	{0x17000, 0x187F7}, {0x18800, 0x18CD5}, {0x18D00, 0x18D08}, {0x1AFF0, 0x1AFF3},
	{0x1AFF5, 0x1AFFB}, {0x1AFFD, 0x1AFFE}, {0x1B000, 0x1B122}, {0x1B150, 0x1B152},
	{0x1B164, 0x1B167}, {0x1B170, 0x1B2FB}, {0x1BC00, 0x1BC6A}, {0x1BC70, 0x1BC7C},
	{0x1BC80, 0x1BC88}, {0x1BC90, 0x1BC99}, {0x1D400, 0x1D454}, {0x1D456, 0x1D49C},
	{0x1D49E, 0x1D49F}, {0x1D4A2, 0x1D4A2}, {0x1D4A5, 0x1D4A6}, {0x1D4A9, 0x1D4AC},
	{0x1D4AE, 0x1D4B9}, {0x1D4BB, 0x1D4BB}, {0x1D4BD, 0x1D4C3}, {0x1D4C5, 0x1D505},
	{0x1D507, 0x1D50A}, {0x1D50D, 0x1D514}, {0x1D516, 0x1D51C}, {0x1D51E, 0x1D539},
	{0x1D53B, 0x1D53E}, {0x1D540, 0x1D544}, {0x1D546, 0x1D546}, {0x1D54A, 0x1D550},
	{0x1D552, 0x1D6A5}, {0x1D6A8, 0x1D6C0}, {0x1D6C2, 0x1D6DA}, {0x1D6DC, 0x1D6FA},
	{0x1D6FC, 0x1D714}, {0x1D716, 0x1D734}, {0x1D736, 0x1D74E}, {0x1D750, 0x1D76E},
	{0x1D770, 0x1D788}, {0x1D78A, 0x1D7A8}, {0x1D7AA, 0x1D7C2}, {0x1D7C4, 0x1D7CB},
	{0x1DF00, 0x1DF1E}, {0x1E100, 0x1E12C}, {0x1E137, 0x1E13D}, {0x1E14E, 0x1E14E},
	{0x1E290, 0x1E2AD}, {0x1E2C0, 0x1E2EB}, {0x1E7E0, 0x1E7E6}, {0x1E7E8, 0x1E7EB},
	{0x1E7ED, 0x1E7EE}, {0x1E7F0, 0x1E7FE}, {0x1E800, 0x1E8C4}, {0x1E900, 0x1E943},
	{0x1E94B, 0x1E94B}, {0x1EE00, 0x1EE03}, {0x1EE05, 0x1EE1F}, {0x1EE21, 0x1EE22},
	{0x1EE24, 0x1EE24}, {0x1EE27, 0x1EE27}, {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37},
	{0x1EE39, 0x1EE39}, {0x1EE3B, 0x1EE3B}, {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47},
	{0x1EE49, 0x1EE49}, {0x1EE4B, 0x1EE4B}, {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52},
	{0x1EE54, 0x1EE54}, {0x1EE57, 0x1EE57}, {0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B},
	{0x1EE5D, 0x1EE5D}, {0x1EE5F, 0x1EE5F}, {0x1EE61, 0x1EE62}, {0x1EE64, 0x1EE64},
	{0x1EE67, 0x1EE6A}, {0x1EE6C, 0x1EE72}, {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C},
	{0x1EE7E, 0x1EE7E}, {0x1EE80, 0x1EE89}, {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3},
	{0x1EEA5, 0x1EEA9}, {0x1EEAB, 0x1EEBB}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B738},
	{0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D},
	{0x30000, 0x3134A},
};
static const uint32_t uni_digits[][2] = {
	{0x660, 0x669}, {0x6F0, 0x6F9}, {0x7C0, 0x7C9}, {0x966, 0x96F}, {0x9E6, 0x9EF}, {0xA66, 0xA6F},
	{0xAE6, 0xAEF}, {0xB66, 0xB6F}, {0xBE6, 0xBEF}, {0xC66, 0xC6F}, {0xCE6, 0xCEF}, {0xD66, 0xD6F},
	{0xDE6, 0xDEF}, {0xE50, 0xE59}, {0xED0, 0xED9}, {0xF20, 0xF29}, {0x1040, 0x1049},
	{0x1090, 0x1099}, {0x17E0, 0x17E9}, {0x1810, 0x1819}, {0x1946, 0x194F}, {0x19D0, 0x19D9},
	{0x1A80, 0x1A89}, {0x1A90, 0x1A99}, {0x1B50, 0x1B59}, {0x1BB0, 0x1BB9}, {0x1C40, 0x1C49},
	{0x1C50, 0x1C59}, {0xA620, 0xA629}, {0xA8D0, 0xA8D9}, {0xA900, 0xA909}, {0xA9D0, 0xA9D9},
	{0xA9F0, 0xA9F9}, {0xAA50, 0xAA59}, {0xABF0, 0xABF9}, {0xFF10, 0xFF19}, {0x104A0, 0x104A9},
	{0x10D30, 0x10D39}, {0x11066, 0x1106F}, {0x110F0, 0x110F9}, {0x11136, 0x1113F},
	{0x111D0, 0x111D9}, {0x112F0, 0x112F9}, {0x11450, 0x11459}, {0x114D0, 0x114D9},
	{0x11650, 0x11659}, {0x116C0, 0x116C9}, {0x11730, 0x11739}, {0x118E0, 0x118E9},
	{0x11950, 0x11959}, {0x11C50, 0x11C59}, {0x11D50, 0x11D59}, {0x11DA0, 0x11DA9},
	{0x16A60, 0x16A69}, {0x16AC0, 0x16AC9}, {0x16B50, 0x16B59}, {0x1D7CE, 0x1D7FF},
	{0x1E140, 0x1E149}, {0x1E2F0, 0x1E2F9}, {0x1E950, 0x1E959}, {0x1FBF0, 0x1FBF9},
};

static int in_ranges(const uint32_t (*t)[2], size_t n, uint32_t r)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r < t[mid][0])
			hi = mid;
		else if (r > t[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int is_letter(uint32_t r)
{
	if (r < 0x80)
		return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
	return in_ranges(uni_letters, ARC_ARRAY_LEN(uni_letters), r);
}

static int is_digit_rune(uint32_t r)
{
	if (r < 0x80)
		return r >= '0' && r <= '9';
	return in_ranges(uni_digits, ARC_ARRAY_LEN(uni_digits), r);
}

/* ------------------------------------------------------------------ */
/* Go's UTF-8 view */

uint32_t arc_yaml_rune(const unsigned char *s, size_t len, size_t *size)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t n, i;
	uint32_t r;
	*size = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		r = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		r = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		r = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0xFFFD;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0xFFFD;
	r = (r << 6) | (s[1] & 0x3F);
	for (i = 2; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0xFFFD;
		r = (r << 6) | (s[i] & 0x3F);
	}
	*size = n;
	return r;
}

/* 1 if s is valid UTF-8 as Go sees it */
static int utf8_valid(const char *s, size_t len)
{
	size_t i = 0, sz;
	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if (arc_yaml_rune((const unsigned char *)s + i, len - i, &sz) == 0xFFFD && sz == 1)
			return 0;
		i += sz;
	}
	return 1;
}

void arc_yaml_utf8_fix(struct arc_buf *b, const char *s, size_t len)
{
	size_t i = 0, start = 0, sz;
	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if (arc_yaml_rune((const unsigned char *)s + i, len - i, &sz) == 0xFFFD && sz == 1) {
			arc_buf_add(b, s + start, i - start);
			arc_buf_add(b, "\xEF\xBF\xBD", 3);
			i++;
			start = i;
			continue;
		}
		i += sz;
	}
	arc_buf_add(b, s + start, i - start);
}

/* ------------------------------------------------------------------ */
/* Go's float formatting (strconv.FormatFloat with precision -1) */

struct digs {
	char d[24]; /* significant digits, no dot */
	int nd;     /* how many */
	int dp;     /* value = 0.d × 10^dp */
};

/* shortest digits that read back as the same float (64 or 32 bit); f > 0 */
static void shortest(double f, int bits, struct digs *g)
{
	char tmp[48], *e;
	int p, i, exp;
	if (bits == 64) {
		arc_float_shortest(f, g->d, &g->nd, &g->dp);
		return;
	}
	for (p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, f);
		if (bits == 32 ? strtof(tmp, NULL) == (float)f : strtod(tmp, NULL) == f)
			break;
	}
	if (p > 17)
		snprintf(tmp, sizeof(tmp), "%.16e", f);
	e = strchr(tmp, 'e');
	exp = e ? atoi(e + 1) : 0;
	g->nd = 0;
	for (i = 0; tmp[i] && &tmp[i] != e; i++)
		if (tmp[i] >= '0' && tmp[i] <= '9' && g->nd < (int)sizeof(g->d))
			g->d[g->nd++] = tmp[i];
	while (g->nd > 1 && g->d[g->nd - 1] == '0')
		g->nd--;
	g->dp = exp + 1;
}

static void fmt_e(struct arc_buf *b, const struct digs *g)
{
	int exp = g->dp - 1;
	arc_buf_putc(b, g->d[0]);
	if (g->nd > 1) {
		arc_buf_putc(b, '.');
		arc_buf_add(b, g->d + 1, (size_t)g->nd - 1);
	}
	arc_buf_printf(b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
}

static void fmt_f(struct arc_buf *b, const struct digs *g, int frac)
{
	int i;
	if (g->dp > 0) {
		for (i = 0; i < g->dp; i++)
			arc_buf_putc(b, i < g->nd ? g->d[i] : '0');
	} else {
		arc_buf_putc(b, '0');
	}
	if (frac > 0) {
		arc_buf_putc(b, '.');
		for (i = 0; i < frac; i++) {
			int k = g->dp + i;
			arc_buf_putc(b, k >= 0 && k < g->nd ? g->d[k] : '0');
		}
	}
}

void arc_yaml_gofloat(struct arc_buf *b, double f, int bits)
{
	struct digs g;
	int exp;
	if (bits == 32)
		f = (double)(float)f;
	if (isnan(f)) {
		arc_buf_puts(b, "NaN");
		return;
	}
	if (isinf(f)) {
		arc_buf_puts(b, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (signbit(f))
		arc_buf_putc(b, '-');
	if (f == 0) {
		arc_buf_putc(b, '0');
		return;
	}
	shortest(fabs(f), bits, &g);
	exp = g.dp - 1;
	if (exp < -4 || exp >= 6) /* shortest 'g' decides with precision 6 */
		fmt_e(b, &g);
	else
		fmt_f(b, &g, g.nd - g.dp > 0 ? g.nd - g.dp : 0);
}

/* A float64 as toYaml prints it: encoding/json writes it ('f' form, or 'e'
 * below 1e-6 and from 1e21), yaml.v2 reads the digits back as an int,
 * a uint64 or a float64, and prints that. */
static void yaml_float(struct arc_buf *b, double f)
{
	struct digs g;
	double a = fabs(f);
	if (f == 0) {
		arc_buf_putc(b, '0'); /* "-0" reads back as the int 0 */
		return;
	}
	if (a >= 1e-6 && a < 1e21) {
		shortest(a, 64, &g);
		if (g.nd <= g.dp) { /* JSON wrote an integer */
			char num[32];
			unsigned long long u;
			int i;
			for (i = 0; i < g.dp && i < 30; i++)
				num[i] = i < g.nd ? g.d[i] : '0';
			num[i] = '\0';
			errno = 0;
			u = strtoull(num, NULL, 10);
			if (errno == 0 && (f > 0 || u <= 9223372036854775808ULL)) {
				if (f < 0)
					arc_buf_putc(b, '-');
				arc_buf_puts(b, num);
				return;
			}
		}
	}
	arc_yaml_gofloat(b, f, 64);
}

/* ------------------------------------------------------------------ */
/* yaml.v2's resolve(), for deciding whether a string may be plain */

/* strconv.ParseUint/ParseInt with base 0 or a fixed base, digits only
 * (plus a sign for the signed form); underscores are already gone. */
static int go_parse_uint(const char *s, size_t n, int base, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	if (n == 0)
		return 0;
	if (base == 0) {
		base = 10;
		if (s[0] == '0') {
			char c = n >= 3 ? (char)(s[1] | 0x20) : 0;
			if (c == 'b' || c == 'o' || c == 'x') {
				base = c == 'b' ? 2 : c == 'o' ? 8 : 16;
				s += 2;
				n -= 2;
			} else {
				base = 8;
				s++;
				n--;
			}
		}
	}
	for (i = 0; i < n; i++) {
		int d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			d = (c | 0x20) - 'a' + 10;
		else
			return 0;
		if (d >= base)
			return 0;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return 0; /* out of range */
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return 1;
}

static int go_parse_int(const char *s, size_t n, int base)
{
	uint64_t u;
	int neg = 0;
	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (!go_parse_uint(s, n, base, &u))
		return 0;
	return neg ? u <= 9223372036854775808ULL : u <= 9223372036854775807ULL;
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static int yaml_style_float(const char *s, size_t n)
{
	size_t i = 0, k;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		for (k = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k)
			return 0;
	} else {
		for (k = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k)
			return 0;
		if (i < n && s[i] == '.')
			for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		for (k = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k)
			return 0;
	}
	return i == n;
}

/* Go's strconv underscoreOK */
static int underscore_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = 0;
	int hex = 0;
	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '0' && ((s[1] | 0x20) == 'b' || (s[1] | 0x20) == 'o' || (s[1] | 0x20) == 'x')) {
		i = 2;
		saw = '0';
		hex = (s[1] | 0x20) == 'x';
	}
	for (; i < n; i++) {
		char c = s[i];
		if ((c >= '0' && c <= '9') || (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
			saw = '0';
			continue;
		}
		if (c == '_') {
			if (saw != '0')
				return 0;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return 0;
		saw = '!';
	}
	return saw != '_';
}

/* strconv.ParseFloat(s, 64) succeeds, for a string that starts with '.' */
static int go_parse_float_dot(const char *s, size_t n)
{
	char tmp[512], *end;
	size_t i, k = 0;
	int us = 0, digits = 0;
	double d;
	if (n >= sizeof(tmp))
		return 0; /* such strings are never needed as floats here */
	/* decimal mantissa with optional exponent; Go allows '_' between digits */
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '_') {
			us = 1;
			continue;
		}
		if (c >= '0' && c <= '9')
			digits = 1;
		else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-')
			return 0;
		tmp[k++] = c;
	}
	tmp[k] = '\0';
	if (!digits || (us && !underscore_ok(s, n)))
		return 0;
	errno = 0;
	d = strtod(tmp, &end);
	if (*end != '\0' || end == tmp)
		return 0;
	/* the exponent must be digits after e[+-] and the mantissa "."+digits */
	if (!yaml_style_float(tmp, k) && !(tmp[0] == '.' && yaml_style_float(tmp, k)))
		return 0;
	return !isinf(d);
}

static int go_getnum(const char **p, const char *end, int fixed, int *out)
{
	const char *s = *p;
	if (s >= end || *s < '0' || *s > '9')
		return 0;
	if (s + 1 >= end || s[1] < '0' || s[1] > '9') {
		if (fixed)
			return 0;
		*out = *s - '0';
		*p = s + 1;
		return 1;
	}
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	*p = s + 2;
	return 1;
}

static int days_in(int month, int year)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return 29;
	return dm[month - 1];
}

/* time.Parse with one of yaml.v2's timestamp layouts:
 * 0 "2006-1-2T15:4:5.999999999Z07:00", 1 the same with 't',
 * 2 "2006-1-2 15:4:5.999999999", 3 "2006-1-2" */
static int ts_layout(const char *s, size_t n, int layout)
{
	const char *p = s + 5, *end = s + n;
	int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int month, day, hh, mm, ss, zh, zm;
	if (!go_getnum(&p, end, 0, &month) || month < 1 || month > 12)
		return 0;
	if (p >= end || *p++ != '-')
		return 0;
	if (!go_getnum(&p, end, 0, &day))
		return 0;
	if (layout != 3) {
		if (layout == 2) { /* a space in a layout matches any run of spaces */
			if (p >= end || *p != ' ')
				return 0;
			while (p < end && *p == ' ')
				p++;
		} else {
			if (p >= end || *p++ != (layout == 0 ? 'T' : 't'))
				return 0;
		}
		if (!go_getnum(&p, end, 0, &hh) || hh >= 24)
			return 0;
		if (p >= end || *p++ != ':')
			return 0;
		if (!go_getnum(&p, end, 0, &mm) || mm >= 60)
			return 0;
		if (p >= end || *p++ != ':')
			return 0;
		if (!go_getnum(&p, end, 0, &ss) || ss >= 60)
			return 0;
		if (end - p >= 2 && (*p == '.' || *p == ',') && p[1] >= '0' && p[1] <= '9') {
			p++;
			while (p < end && *p >= '0' && *p <= '9')
				p++;
		}
		if (layout != 2) {
			if (p < end && *p == 'Z') {
				p++;
			} else {
				const char *z;
				if (end - p < 6 || p[3] != ':' || (p[0] != '+' && p[0] != '-'))
					return 0;
				z = p + 1;
				if (!go_getnum(&z, p + 3, 1, &zh))
					return 0;
				z = p + 4;
				if (!go_getnum(&z, p + 6, 1, &zm))
					return 0;
				if (zh > 24 || zm > 60)
					return 0;
				p += 6;
			}
		}
	}
	if (p != end)
		return 0;
	return day >= 1 && day <= days_in(month, year);
}

static int is_timestamp(const char *s, size_t n)
{
	int l;
	if (n < 5 || s[4] != '-')
		return 0;
	for (l = 0; l < 4; l++)
		if (s[l] < '0' || s[l] > '9')
			return 0;
	for (l = 0; l < 4; l++)
		if (ts_layout(s, n, l))
			return 1;
	return 0;
}

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static int is_base60(const char *s, size_t n)
{
	size_t i = 0;
	int groups = 0;
	if (!n || !memchr(s, ':', n))
		return 0;
	if (s[i] == '-' || s[i] == '+')
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return 0;
	for (i++; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
		;
	while (i < n && s[i] == ':') {
		size_t k = ++i;
		while (i < n && i - k < 2 && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == k || (i - k == 2 && s[k] > '5'))
			return 0;
		groups++;
	}
	if (!groups)
		return 0;
	if (i < n && s[i] == '.')
		for (i++; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
			;
	return i == n;
}

/* yaml.v2 resolves s (starting with a sign or a digit) to an int or a float */
static int resolves_number(const char *s, size_t n)
{
	char small[64], *plain = n < sizeof(small) ? small : xmalloc(n + 1);
	size_t i, k;
	uint64_t u;
	int r = 0;
	for (i = k = 0; i < n; i++)
		if (s[i] != '_')
			plain[k++] = s[i];
	plain[k] = '\0';
	if (go_parse_int(plain, k, 0) || go_parse_uint(plain, k, 0, &u)) {
		r = 1;
	} else if (yaml_style_float(plain, k) && !isinf(strtod(plain, NULL))) {
		r = 1;
	} else if (k >= 2 && plain[0] == '0' && plain[1] == 'b') {
		r = go_parse_int(plain + 2, k - 2, 2) || go_parse_uint(plain + 2, k - 2, 2, &u);
	} else if (k >= 3 && plain[0] == '-' && plain[1] == '0' && plain[2] == 'b') {
		plain[2] = '-'; /* "-" + the binary digits */
		r = go_parse_int(plain + 2, k - 2, 2);
	}
	if (plain != small)
		free(plain);
	return r;
}

/* 1 if yaml.v2's resolve("", s) says !!str and s is not base 60 */
static int plain_ok(const char *s, size_t n)
{
	/* every word padded to 5 bytes plus NUL, so any n <= 5 may be compared */
	static const char special[][6] = {
		"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
		"~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
		"+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
	};
	size_t i;
	unsigned char c;
	if (n == 0)
		return 0; /* null */
	c = (unsigned char)s[0];
	if (!strchr("+-0123456789yYnNtTfFoO~.", c) || c == 0)
		return !is_base60(s, n);
	if (n <= 5) /* the longest special word */
		for (i = 0; i < ARC_ARRAY_LEN(special); i++)
			if (special[i][n] == '\0' && memcmp(special[i], s, n) == 0)
				return 0;
	if (c == '.')
		return !go_parse_float_dot(s, n);
	if (strchr("yYnNtTfFoO~", c))
		return 1; /* only the table could make these non-strings; can't be base 60 */
	/* a sign or a digit: timestamp, int, float */
	if (is_timestamp(s, n))
		return 0;
	return !resolves_number(s, n) && !is_base60(s, n);
}

/* ------------------------------------------------------------------ */
/* The JSON round trip: what yaml.v2 sees of a string after encoding/json
 * wrote it and yaml.v2's scanner read the double-quoted JSON string back. */

/* characters yaml.v2's reader refuses ("control characters are not allowed") */
static int reader_rejects(uint32_t r)
{
	return r == 0x7F || (r >= 0x80 && r <= 0x9F && r != 0x85) || r == 0xFFFE || r == 0xFFFF;
}

/* length in characters of the JSON string literal (with its quotes) */
static size_t json_quoted_chars(const char *s, size_t n)
{
	size_t i = 0, sz, len = 2;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' ||
			    c == '\f')
				len += 2;
			else if (c < 0x20 || c == '<' || c == '>' || c == '&')
				len += 6;
			else
				len++;
			i++;
			continue;
		}
		uint32_t r = arc_yaml_rune((const unsigned char *)s + i, n - i, &sz);
		len += (r == 0x2028 || r == 0x2029 || (r == 0xFFFD && sz == 1)) ? 6 : 1;
		i += sz;
	}
	return len;
}

/*
 * Turn a (valid UTF-8) string into the string yaml.v2 reads back.  Only a
 * raw NEL (U+0085) changes anything: encoding/json leaves it unescaped and
 * YAML folds it like a line break inside a double-quoted scalar.  Returns
 * 0, or -1 when the JSON text would not parse back (toYaml then fails).
 */
static int json_reread(struct arc_buf *out, const char *s, size_t n, int is_key)
{
	size_t i = 0, sz;
	int col0 = 0;
	for (i = 0; i < n; i += sz) {
		uint32_t r = arc_yaml_rune((const unsigned char *)s + i, n - i, &sz);
		if (reader_rejects(r))
			return -1;
	}
	if (is_key && json_quoted_chars(s, n) > JSON_KEY_MAX)
		return -1;
	if (!memmem(s, n, "\xC2\x85", 2)) {
		arc_buf_add(out, s, n);
		return 0;
	}
	if (is_key)
		return -1; /* a simple key may not span lines */
	i = 0;
	for (;;) {
		size_t ws = 0, breaks = 0;
		int leading = 0;
		if (col0 && n - i >= 3 && (memcmp(s + i, "---", 3) == 0 || memcmp(s + i, "...", 3) == 0) &&
		    n - i > 3 && (s[i + 3] == ' ' || (n - i >= 5 && memcmp(s + i + 3, "\xC2\x85", 2) == 0)))
			return -1; /* "found unexpected document indicator" */
		col0 = 0;
		while (i < n && s[i] != ' ' && !(n - i >= 2 && memcmp(s + i, "\xC2\x85", 2) == 0))
			arc_buf_putc(out, s[i++]);
		if (i >= n)
			break;
		while (i < n) {
			if (s[i] == ' ') {
				if (!leading)
					ws++;
				i++;
				col0 = 0;
			} else if (n - i >= 2 && memcmp(s + i, "\xC2\x85", 2) == 0) {
				if (!leading) {
					ws = 0;
					leading = 1;
				} else {
					breaks++;
				}
				i += 2;
				col0 = 1;
			} else {
				break;
			}
		}
		if (leading) {
			if (!breaks)
				arc_buf_putc(out, ' ');
			while (breaks--)
				arc_buf_putc(out, '\n');
		} else {
			while (ws--)
				arc_buf_putc(out, ' ');
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* yaml.v2's key order (sorter.go keyList.Less for string keys) */

struct key {
	const char *s; /* the key as yaml.v2 sees it (the map's own key, or owned when `owned`) */
	size_t len;
	uint32_t *runes; /* owned; NULL when the key is ASCII (its runes are its bytes) */
	size_t nr;
	size_t ent; /* map entry index */
	int owned;
};

static inline uint32_t key_rune(const struct key *k, size_t i)
{
	return k->runes ? k->runes[i] : (unsigned char)k->s[i];
}

static int key_less(const struct key *a, const struct key *b)
{
	size_t i, j, ai, bi;
	for (i = 0; i < a->nr && i < b->nr; i++) {
		int al, bl;
		uint64_t an = 0, bn = 0;
		uint32_t ra = key_rune(a, i), rb = key_rune(b, i);
		if (ra == rb)
			continue;
		al = is_letter(ra);
		bl = is_letter(rb);
		if (al && bl)
			return ra < rb;
		if (al || bl)
			return bl;
		if (ra == '0' || rb == '0') {
			for (j = i; j-- > 0 && is_digit_rune(key_rune(a, j));) {
				if (key_rune(a, j) != '0') {
					an = 1;
					bn = 1;
					break;
				}
			}
		}
		for (ai = i; ai < a->nr && is_digit_rune(key_rune(a, ai)); ai++)
			an = an * 10 + (uint64_t)(int64_t)((int32_t)key_rune(a, ai) - '0');
		for (bi = i; bi < b->nr && is_digit_rune(key_rune(b, bi)); bi++)
			bn = bn * 10 + (uint64_t)(int64_t)((int32_t)key_rune(b, bi) - '0');
		if (an != bn)
			return (int64_t)an < (int64_t)bn;
		if (ai != bi)
			return ai < bi;
		return ra < rb;
	}
	return a->nr < b->nr;
}

/* stable merge sort (the order is not total for some keys: keep it deterministic) */
static void key_sort(struct key *k, struct key *tmp, size_t n)
{
	size_t mid, i, j, o;
	if (n < 2)
		return;
	mid = n / 2;
	key_sort(k, tmp, mid);
	key_sort(k + mid, tmp, n - mid);
	for (i = 0, j = mid, o = 0; i < mid && j < n;)
		tmp[o++] = key_less(&k[j], &k[i]) ? k[j++] : k[i++];
	while (i < mid)
		tmp[o++] = k[i++];
	while (j < n)
		tmp[o++] = k[j++];
	memcpy(k, tmp, n * sizeof(*k));
}

static void keys_free(struct key *k, size_t n, int heap)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (k[i].owned)
			free((char *)k[i].s);
		free(k[i].runes);
	}
	if (heap)
		free(k);
}

/* ASCII that the JSON round trip leaves alone and yaml.v2's reader accepts
 * (only DEL is refused below 0x80) */
static int ascii_clean(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x7F)
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* The emitter: yaml.v2's emitterc.go for the events Marshal produces
 * (one implicit document, block collections, empty ones in flow style,
 * untagged scalars). */

enum style { ST_PLAIN, ST_SINGLE, ST_DOUBLE, ST_LITERAL };

struct em {
	struct arc_buf *b;
	int column;
	int indent;
	int whitespace, indention;
	int flow_level;
	int mapping_context, simple_key_context;
	int depth;
	int pretty; /* yaml.v3 as toYamlPretty uses it: no JSON step */
	int width;  /* best_width: 80, or unlimited for yaml.v3 */
	const char *err;
	struct arc_buf num; /* scratch for a number's text (used and done with before recursing) */
};

struct scalar_info {
	int multiline;
	int flow_plain_allowed, block_plain_allowed, single_quoted_allowed, block_allowed;
};

/* arc_buf_putc / arc_buf_add with the common case (room left, under the
 * size bound if any) inline: the emitter writes most of its output a byte
 * at a time */
static inline void bput(struct arc_buf *b, char c)
{
	if (b->len + 2 <= b->cap && (!b->max || b->len + 1 <= b->max)) {
		b->ptr[b->len++] = c;
		b->ptr[b->len] = '\0';
	} else {
		arc_buf_putc(b, c);
	}
}

static inline void badd(struct arc_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 <= b->cap && (!b->max || b->len + n <= b->max)) {
		memcpy(b->ptr + b->len, p, n);
		b->len += n;
		b->ptr[b->len] = '\0';
	} else {
		arc_buf_add(b, p, n);
	}
}

/* printable ASCII other than space: copied as is by every scalar writer
 * (except the quote characters of the quoted styles) */
static inline int plain_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7F;
}

static int u_width(unsigned char c)
{
	if ((c & 0x80) == 0)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 1; /* not reached: strings are valid UTF-8 here */
}

static unsigned char at(const unsigned char *s, size_t n, size_t i)
{
	return i < n ? s[i] : 0;
}

static int is_break_at(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c = at(s, n, i);
	return c == '\r' || c == '\n' || (c == 0xC2 && at(s, n, i + 1) == 0x85) ||
	       (c == 0xE2 && at(s, n, i + 1) == 0x80 && (at(s, n, i + 2) == 0xA8 || at(s, n, i + 2) == 0xA9));
}

static int is_blank_at(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c = at(s, n, i);
	return c == ' ' || c == '\t';
}

static int is_blankz_at(const unsigned char *s, size_t n, size_t i)
{
	return is_blank_at(s, n, i) || is_break_at(s, n, i) || at(s, n, i) == 0;
}

static int is_printable_at(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c = at(s, n, i), c1 = at(s, n, i + 1), c2 = at(s, n, i + 2);
	return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && c1 >= 0xA0) || (c > 0xC2 && c < 0xED) ||
	       (c == 0xED && c1 < 0xA0) || c == 0xEE ||
	       (c == 0xEF && !(c1 == 0xBB && c2 == 0xBF) && !(c1 == 0xBF && (c2 == 0xBE || c2 == 0xBF)));
}

/* printable ASCII that, past the first character, is no indicator: it sets
 * none of analyze_scalar's flags */
static inline int mid_ordinary(unsigned char c)
{
	if (!plain_byte(c))
		return 0;
	switch (c) {
	case ',': case '?': case '[': case ']': case '{': case '}': case ':': case '#':
		return 0;
	}
	return 1;
}

/* v3: yaml.v3 keeps tabs out of plain and single-quoted scalars but lets
 * them into block scalars; yaml.v2 counts them as special characters */
static void analyze_scalar(const unsigned char *v, size_t n, struct scalar_info *si, int v3)
{
	int block_ind = 0, flow_ind = 0, line_breaks = 0, special = 0, tabs = 0;
	int leading_space = 0, leading_break = 0, trailing_space = 0, trailing_break = 0;
	int break_space = 0, space_break = 0, preceded_ws = 1, followed_ws, prev_space = 0, prev_break = 0;
	size_t i, w;
	if (n == 0) {
		si->multiline = 0;
		si->flow_plain_allowed = 0;
		si->block_plain_allowed = 1;
		si->single_quoted_allowed = 1;
		si->block_allowed = 0;
		return;
	}
	if (n >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') ||
		       (v[0] == '.' && v[1] == '.' && v[2] == '.'))) {
		block_ind = 1;
		flow_ind = 1;
	}
	for (i = 0; i < n; i += w) {
		if (i > 0 && mid_ordinary(v[i])) {
			/* a run of bytes that set no flag: only the state they leave matters */
			for (w = 1; i + w < n && mid_ordinary(v[i + w]); w++)
				;
			preceded_ws = 0;
			prev_space = 0;
			prev_break = 0;
			continue;
		}
		w = (size_t)u_width(v[i]);
		followed_ws = i + w >= n || is_blank_at(v, n, i + w);
		if (i == 0) {
			switch (v[i]) {
			case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
			case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
				flow_ind = 1;
				block_ind = 1;
				break;
			case '?': case ':':
				flow_ind = 1;
				if (followed_ws)
					block_ind = 1;
				break;
			case '-':
				if (followed_ws) {
					flow_ind = 1;
					block_ind = 1;
				}
				break;
			}
		} else {
			switch (v[i]) {
			case ',': case '?': case '[': case ']': case '{': case '}':
				flow_ind = 1;
				break;
			case ':':
				flow_ind = 1;
				if (followed_ws)
					block_ind = 1;
				break;
			case '#':
				if (preceded_ws) {
					flow_ind = 1;
					block_ind = 1;
				}
				break;
			}
		}
		if (v3 && v[i] == '\t')
			tabs = 1;
		else if (!is_printable_at(v, n, i))
			special = 1;
		if (v[i] == ' ') {
			if (i == 0)
				leading_space = 1;
			if (i + w == n)
				trailing_space = 1;
			if (prev_break)
				break_space = 1;
			prev_space = 1;
			prev_break = 0;
		} else if (is_break_at(v, n, i)) {
			line_breaks = 1;
			if (i == 0)
				leading_break = 1;
			if (i + w == n)
				trailing_break = 1;
			if (prev_space)
				space_break = 1;
			prev_space = 0;
			prev_break = 1;
		} else {
			prev_space = 0;
			prev_break = 0;
		}
		preceded_ws = is_blankz_at(v, n, i);
	}
	si->multiline = line_breaks;
	si->flow_plain_allowed = si->block_plain_allowed = 1;
	si->single_quoted_allowed = si->block_allowed = 1;
	if (leading_space || leading_break || trailing_space || trailing_break)
		si->flow_plain_allowed = si->block_plain_allowed = 0;
	if (trailing_space)
		si->block_allowed = 0;
	if (break_space)
		si->flow_plain_allowed = si->block_plain_allowed = si->single_quoted_allowed = 0;
	if (tabs)
		si->flow_plain_allowed = si->block_plain_allowed = si->single_quoted_allowed = 0;
	if (space_break || special)
		si->flow_plain_allowed = si->block_plain_allowed = si->single_quoted_allowed =
			si->block_allowed = 0;
	if (line_breaks)
		si->flow_plain_allowed = si->block_plain_allowed = 0;
	if (flow_ind)
		si->flow_plain_allowed = 0;
	if (block_ind)
		si->block_plain_allowed = 0;
}

static void put(struct em *e, char c)
{
	bput(e->b, c);
	e->column++;
}

static void put_break(struct em *e)
{
	bput(e->b, '\n');
	e->column = 0;
}

/* copy one character */
static void write1(struct em *e, const unsigned char *s, size_t n, size_t *i)
{
	size_t w = (size_t)u_width(s[*i]);
	if (w == 1) {
		bput(e->b, (char)s[*i]);
		e->column++;
		(*i)++;
		return;
	}
	if (*i + w > n)
		w = n - *i;
	badd(e->b, s + *i, w);
	e->column++;
	*i += w;
}

/* copy the run of printable ASCII (not space, not `stop`) starting at *i:
 * each is one column wide and changes no writer state */
static void write_run(struct em *e, const unsigned char *s, size_t n, size_t *i, int stop1, int stop2)
{
	size_t k = *i;
	while (k < n && plain_byte(s[k]) && s[k] != stop1 && s[k] != stop2)
		k++;
	badd(e->b, s + *i, k - *i);
	e->column += (int)(k - *i);
	*i = k;
}

static void write_break(struct em *e, const unsigned char *s, size_t n, size_t *i)
{
	if (s[*i] == '\n') {
		put_break(e);
		(*i)++;
	} else {
		write1(e, s, n, i);
		e->column = 0;
	}
}

static void write_indent(struct em *e)
{
	static const char spaces[32] = "                                ";
	int ind = e->indent < 0 ? 0 : e->indent;
	if (!e->indention || e->column > ind || (e->column == ind && !e->whitespace))
		put_break(e);
	while (e->column < ind) {
		int k = ind - e->column > 32 ? 32 : ind - e->column;
		badd(e->b, spaces, (size_t)k);
		e->column += k;
	}
	e->whitespace = 1;
	e->indention = 1;
}

static void write_indicator(struct em *e, const char *ind, int need_ws, int is_ws, int is_indention)
{
	if (need_ws && !e->whitespace)
		put(e, ' ');
	while (*ind) {
		bput(e->b, *ind++);
		e->column++;
	}
	e->whitespace = is_ws;
	e->indention = e->indention && is_indention;
}

static int increase_indent(struct em *e, int flow, int indentless)
{
	int old = e->indent;
	if (e->indent < 0)
		e->indent = flow ? BEST_INDENT : 0;
	else if (!indentless)
		e->indent += BEST_INDENT;
	return old;
}

static void write_plain(struct em *e, const unsigned char *v, size_t n, int allow_breaks)
{
	int spaces = 0, breaks = 0;
	size_t i = 0;
	if (!e->whitespace)
		put(e, ' ');
	while (i < n) {
		if (v[i] == ' ') {
			if (allow_breaks && !spaces && e->column > e->width && at(v, n, i + 1) != ' ') {
				write_indent(e);
				i++;
			} else {
				write1(e, v, n, &i);
			}
			spaces = 1;
		} else if (is_break_at(v, n, i)) {
			if (!breaks && v[i] == '\n')
				put_break(e);
			write_break(e, v, n, &i);
			e->indention = 1;
			breaks = 1;
		} else {
			if (breaks)
				write_indent(e);
			write1(e, v, n, &i);
			write_run(e, v, n, &i, 0, 0);
			e->indention = 0;
			spaces = 0;
			breaks = 0;
		}
	}
	e->whitespace = 0;
	e->indention = 0;
}

static void write_single(struct em *e, const unsigned char *v, size_t n, int allow_breaks)
{
	int spaces = 0, breaks = 0;
	size_t i = 0;
	write_indicator(e, "'", 1, 0, 0);
	while (i < n) {
		if (v[i] == ' ') {
			if (allow_breaks && !spaces && e->column > e->width && i > 0 && i < n - 1 &&
			    at(v, n, i + 1) != ' ') {
				write_indent(e);
				i++;
			} else {
				write1(e, v, n, &i);
			}
			spaces = 1;
		} else if (is_break_at(v, n, i)) {
			if (!breaks && v[i] == '\n')
				put_break(e);
			write_break(e, v, n, &i);
			e->indention = 1;
			breaks = 1;
		} else {
			if (breaks)
				write_indent(e);
			if (v[i] == '\'')
				put(e, '\'');
			write1(e, v, n, &i);
			write_run(e, v, n, &i, '\'', 0);
			e->indention = 0;
			spaces = 0;
			breaks = 0;
		}
	}
	write_indicator(e, "'", 0, 0, 0);
	e->whitespace = 0;
	e->indention = 0;
}

static void write_double(struct em *e, const unsigned char *v, size_t n, int allow_breaks)
{
	static const char hex[] = "0123456789ABCDEF";
	int spaces = 0;
	size_t i = 0;
	/* yaml.v2 tests the start of the value for a BOM at every position */
	int bom = n >= 3 && v[0] == 0xEF && v[1] == 0xBB && v[2] == 0xBF;
	write_indicator(e, "\"", 1, 0, 0);
	while (i < n) {
		if (!is_printable_at(v, n, i) || bom || is_break_at(v, n, i) || v[i] == '"' || v[i] == '\\') {
			unsigned char c = v[i];
			size_t w = (size_t)u_width(c), k;
			uint32_t r;
			if (w == 1)
				r = c & 0x7F;
			else if (w == 2)
				r = c & 0x1F;
			else if (w == 3)
				r = c & 0x0F;
			else
				r = c & 0x07;
			for (k = 1; k < w; k++)
				r = (r << 6) | (at(v, n, i + k) & 0x3F);
			i += w;
			put(e, '\\');
			switch (r) {
			case 0x00: put(e, '0'); break;
			case 0x07: put(e, 'a'); break;
			case 0x08: put(e, 'b'); break;
			case 0x09: put(e, 't'); break;
			case 0x0A: put(e, 'n'); break;
			case 0x0B: put(e, 'v'); break;
			case 0x0C: put(e, 'f'); break;
			case 0x0D: put(e, 'r'); break;
			case 0x1B: put(e, 'e'); break;
			case 0x22: put(e, '"'); break;
			case 0x5C: put(e, '\\'); break;
			case 0x85: put(e, 'N'); break;
			case 0xA0: put(e, '_'); break;
			case 0x2028: put(e, 'L'); break;
			case 0x2029: put(e, 'P'); break;
			default: {
				int digits, sh;
				if (r <= 0xFF) {
					put(e, 'x');
					digits = 2;
				} else if (r <= 0xFFFF) {
					put(e, 'u');
					digits = 4;
				} else {
					put(e, 'U');
					digits = 8;
				}
				for (sh = (digits - 1) * 4; sh >= 0; sh -= 4)
					put(e, hex[(r >> sh) & 0x0F]);
			}
			}
			spaces = 0;
		} else if (v[i] == ' ') {
			if (allow_breaks && !spaces && e->column > e->width && i > 0 && i < n - 1) {
				write_indent(e);
				if (at(v, n, i + 1) == ' ')
					put(e, '\\');
				i++;
			} else {
				write1(e, v, n, &i);
			}
			spaces = 1;
		} else {
			write1(e, v, n, &i);
			if (!bom)
				write_run(e, v, n, &i, '"', '\\');
			spaces = 0;
		}
	}
	write_indicator(e, "\"", 0, 0, 0);
	e->whitespace = 0;
	e->indention = 0;
}

static void write_literal(struct em *e, const unsigned char *v, size_t n)
{
	int breaks = 1;
	size_t i = 0;
	write_indicator(e, "|", 1, 0, 0);
	/* block scalar hints */
	if (v[0] == ' ' || is_break_at(v, n, 0)) {
		char hint[2] = { (char)('0' + BEST_INDENT), 0 };
		write_indicator(e, hint, 0, 0, 0);
	}
	{
		size_t k = n - 1;
		const char *chomp = NULL;
		while (k > 0 && (v[k] & 0xC0) == 0x80)
			k--;
		if (!is_break_at(v, n, k)) {
			chomp = "-";
		} else if (k == 0) {
			chomp = "+";
		} else {
			k--;
			while (k > 0 && (v[k] & 0xC0) == 0x80)
				k--;
			if (is_break_at(v, n, k))
				chomp = "+";
		}
		if (chomp)
			write_indicator(e, chomp, 0, 0, 0);
	}
	put_break(e);
	e->indention = 1;
	e->whitespace = 1;
	while (i < n) {
		if (is_break_at(v, n, i)) {
			write_break(e, v, n, &i);
			e->indention = 1;
			breaks = 1;
		} else {
			size_t k;
			if (breaks)
				write_indent(e);
			write1(e, v, n, &i);
			/* the rest of the line's printable ASCII, spaces included */
			for (k = i; k < n && v[k] >= 0x20 && v[k] < 0x7F; k++)
				;
			badd(e->b, v + i, k - i);
			e->column += (int)(k - i);
			i = k;
			e->indention = 0;
			breaks = 0;
		}
	}
}

/* emit one scalar: `want` is the style Marshal asks for */
static void emit_scalar(struct em *e, const char *s, size_t n, enum style want, const struct scalar_info *si)
{
	const unsigned char *v = (const unsigned char *)s;
	enum style st = want;
	int old;
	if (e->simple_key_context && si->multiline)
		st = ST_DOUBLE;
	if (st == ST_PLAIN) {
		if ((e->flow_level > 0 && !si->flow_plain_allowed) ||
		    (e->flow_level == 0 && !si->block_plain_allowed))
			st = ST_SINGLE;
		if (n == 0 && (e->flow_level > 0 || e->simple_key_context))
			st = ST_SINGLE;
	}
	if (st == ST_SINGLE && !si->single_quoted_allowed)
		st = ST_DOUBLE;
	if (st == ST_LITERAL && (!si->block_allowed || e->flow_level > 0 || e->simple_key_context))
		st = ST_DOUBLE;
	old = increase_indent(e, 1, 0);
	switch (st) {
	case ST_PLAIN: write_plain(e, v, n, !e->simple_key_context); break;
	case ST_SINGLE: write_single(e, v, n, !e->simple_key_context); break;
	case ST_DOUBLE: write_double(e, v, n, !e->simple_key_context); break;
	case ST_LITERAL: write_literal(e, v, n); break;
	}
	e->indent = old;
}

/* stringv(): the style Marshal asks for a string */
static enum style string_style(const char *s, size_t n)
{
	if (memchr(s, '\n', n))
		return ST_LITERAL;
	return plain_ok(s, n) ? ST_PLAIN : ST_DOUBLE;
}

static void emit_string(struct em *e, const char *s, size_t n)
{
	struct scalar_info si;
	analyze_scalar((const unsigned char *)s, n, &si, e->pretty);
	emit_scalar(e, s, n, string_style(s, n), &si);
}

/* a number, true, false or null as the encoder spells it: such text has no
 * indicator, space or break, so analyze_scalar would allow every style */
static void emit_plain_text(struct em *e, const char *s, size_t n)
{
	static const struct scalar_info si = { 0, 1, 1, 1, 1 };
	emit_scalar(e, s, n, ST_PLAIN, &si);
}

static int emit_node(struct em *e, arc_value *v, int mapping, int simple_key);

static int fail(struct em *e, const char *msg)
{
	if (!e->err)
		e->err = msg;
	return -1;
}

static void emit_empty(struct em *e, const char *open, const char *close)
{
	int old;
	write_indicator(e, open, 1, 1, 0);
	old = increase_indent(e, 1, 0);
	e->indent = old;
	write_indicator(e, close, 0, 0, 0);
}

static int emit_list(struct em *e, arc_value *v)
{
	size_t i, n = arc_v_list_len(v);
	int old;
	if (n == 0 || e->flow_level > 0) {
		emit_empty(e, "[", "]");
		return 0;
	}
	/* yaml.v2 leaves a sequence under a mapping key unindented; yaml.v3 does not */
	old = increase_indent(e, 0, !e->pretty && e->mapping_context && !e->indention);
	for (i = 0; i < n; i++) {
		write_indent(e);
		write_indicator(e, "-", 1, 0, 1);
		if (emit_node(e, arc_v_list_at(v, i), 0, 0))
			return -1;
	}
	e->indent = old;
	return 0;
}

#define SMALL_MAP 16

static int emit_map(struct em *e, arc_value *m)
{
	size_t i, n = arc_v_map_len(m), nk = 0;
	size_t small_order[SMALL_MAP], *byte_order = small_order;
	struct key small_keys[SMALL_MAP], small_tmp[SMALL_MAP], *keys = small_keys, *tmp = small_tmp;
	struct arc_buf kb = ARC_BUF_INIT, fixed = ARC_BUF_INIT;
	int old, r = 0, heap = n > SMALL_MAP;
	if (n == 0 || e->flow_level > 0) {
		emit_empty(e, "{", "}");
		return 0;
	}
	/* encoding/json writes keys in byte order; on a clash after the UTF-8
	 * repair, yaml.v2 keeps the later one */
	if (heap) {
		byte_order = arc_v_map_sorted(m);
		keys = xcalloc(n, sizeof(*keys));
		tmp = xmalloc(n * sizeof(*tmp));
	} else {
		size_t j;
		memset(small_keys, 0, sizeof(small_keys));
		for (i = 0; i < n; i++) { /* insertion sort by bytes; keys are distinct */
			const char *ki = arc_v_map_key(m, i);
			size_t li = arc_v_map_keylen(m, i);
			for (j = i; j > 0; j--) {
				const char *kj = arc_v_map_key(m, byte_order[j - 1]);
				size_t lj = arc_v_map_keylen(m, byte_order[j - 1]);
				int c = memcmp(kj, ki, lj < li ? lj : li);
				if (c < 0 || (c == 0 && lj < li))
					break;
				byte_order[j] = byte_order[j - 1];
			}
			byte_order[j] = i;
		}
	}
	for (i = 0; i < n; i++) {
		size_t ent = byte_order[i], klen = arc_v_map_keylen(m, ent), j, sz;
		const char *k = arc_v_map_key(m, ent);
		struct key *kk = &keys[nk];
		kk->ent = ent;
		if (ascii_clean(k, klen) && (e->pretty || klen <= (JSON_KEY_MAX - 2) / 6 ||
					     json_quoted_chars(k, klen) <= JSON_KEY_MAX)) {
			/* the common case: the key as it is, compared byte by byte */
			kk->s = k;
			kk->len = klen;
			kk->nr = klen;
			nk++;
			continue;
		}
		arc_buf_reset(&kb);
		arc_buf_reset(&fixed);
		if (!utf8_valid(k, klen)) {
			arc_yaml_utf8_fix(&fixed, k, klen);
			k = arc_buf_cstr(&fixed);
			klen = fixed.len;
		}
		if (e->pretty)
			arc_buf_add(&kb, k, klen);
		else if (json_reread(&kb, k, klen, 1)) {
			r = fail(e, "map key does not survive the JSON round trip");
			nk++;
			goto out;
		}
		kk->len = kb.len;
		kk->s = arc_buf_detach(&kb, NULL);
		kk->owned = 1;
		kk->runes = xmalloc((kk->len + 1) * sizeof(uint32_t));
		for (j = 0; j < kk->len; j += sz)
			kk->runes[kk->nr++] =
				arc_yaml_rune((const unsigned char *)kk->s + j, kk->len - j, &sz);
		nk++;
	}
	key_sort(keys, tmp, nk);
	old = increase_indent(e, 0, 0);
	for (i = 0; i < nk; i++) {
		struct scalar_info si;
		int simple;
		if (i + 1 < nk && keys[i].len == keys[i + 1].len &&
		    memcmp(keys[i].s, keys[i + 1].s, keys[i].len) == 0)
			continue; /* a duplicate after repair: the later one wins */
		write_indent(e);
		analyze_scalar((const unsigned char *)keys[i].s, keys[i].len, &si, e->pretty);
		simple = !si.multiline && keys[i].len <= SIMPLE_KEY_MAX;
		e->mapping_context = 1;
		e->simple_key_context = simple;
		if (simple) {
			emit_scalar(e, keys[i].s, keys[i].len, string_style(keys[i].s, keys[i].len), &si);
			write_indicator(e, ":", 0, 0, 0);
		} else {
			write_indicator(e, "?", 1, 0, 1);
			emit_scalar(e, keys[i].s, keys[i].len, string_style(keys[i].s, keys[i].len), &si);
			write_indent(e);
			write_indicator(e, ":", 1, 0, 1);
		}
		if (emit_node(e, arc_v_map_val(m, keys[i].ent), 1, 0)) {
			r = -1;
			goto out;
		}
	}
	e->indent = old;
out:
	keys_free(keys, nk, heap);
	if (heap) {
		free(byte_order);
		free(tmp);
	}
	arc_buf_release(&kb);
	arc_buf_release(&fixed);
	return r;
}

static void base64_std(struct arc_buf *b, const unsigned char *s, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t x = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		char q[4] = { tab[x >> 18], tab[(x >> 12) & 63], tab[(x >> 6) & 63], tab[x & 63] };
		arc_buf_add(b, q, 4);
	}
	if (n - i == 1) {
		uint32_t x = (uint32_t)s[i] << 16;
		char q[4] = { tab[x >> 18], tab[(x >> 12) & 63], '=', '=' };
		arc_buf_add(b, q, 4);
	} else if (n - i == 2) {
		uint32_t x = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		char q[4] = { tab[x >> 18], tab[(x >> 12) & 63], tab[(x >> 6) & 63], '=' };
		arc_buf_add(b, q, 4);
	}
}

static int emit_str_value(struct em *e, arc_value *v)
{
	struct arc_buf fixed = ARC_BUF_INIT, rr = ARC_BUF_INIT;
	const char *s = arc_v_strptr(v);
	size_t n = arc_v_strlen(v);
	int r = 0;
	if (v->gotype == ARC_GO_BYTES) { /* []byte marshals as base64 */
		base64_std(&fixed, (const unsigned char *)s, n);
		emit_string(e, arc_buf_cstr(&fixed), fixed.len);
		goto out;
	}
	if (ascii_clean(s, n)) { /* valid UTF-8 that the JSON round trip leaves alone */
		emit_string(e, s, n);
		return 0;
	}
	if (!utf8_valid(s, n)) {
		arc_yaml_utf8_fix(&fixed, s, n);
		s = arc_buf_cstr(&fixed);
		n = fixed.len;
	}
	if (e->pretty) {
		emit_string(e, s, n);
		goto out;
	}
	if (json_reread(&rr, s, n, 0)) {
		r = fail(e, "string does not survive the JSON round trip");
		goto out;
	}
	emit_string(e, rr.len ? rr.ptr : "", rr.len);
out:
	arc_buf_release(&fixed);
	arc_buf_release(&rr);
	return r;
}

/* An object, through its class hooks (value.h).  toYaml sees what
 * encoding/json makes of it: the underlying value of a named integer, map or
 * slice type, or the value its MarshalJSON text decodes to.  toYamlPretty
 * (yaml.v3 on the Go value) writes a time.Duration as its String(), a
 * time.Time as a plain timestamp and a text marshaler (its JSON is a string:
 * *semver.Version) as that string. */
static int emit_object(struct em *e, arc_value *v, int mapping, int simple_key)
{
	arc_value *u = NULL, *parsed = NULL;
	int r;

	if (e->pretty && !strcmp(arc_v_gotype_name(v), "time.Duration") && v->u.o.cls->format) {
		struct arc_buf t = ARC_BUF_INIT;
		v->u.o.cls->format(v, &t);
		u = arc_v_str_buf(&t);
		r = emit_node(e, u, mapping, simple_key);
		arc_v_unref(u);
		return r;
	}
	if ((u = arc_v_underlying(v)) != NULL) {
		r = emit_node(e, u, mapping, simple_key);
		arc_v_unref(u);
		return r;
	}
	r = arc_v_marshal_json(v, &u);
	if (r == 0) {
		r = arc_json_load(&parsed, NULL, arc_v_strptr(u), arc_v_strlen(u));
		arc_v_unref(u);
	}
	arc_error_clear();
	if (r < 0)
		return fail(e, "value cannot be written as YAML");
	if (e->pretty && arc_v_kind(parsed) != ARC_STRING) {
		arc_v_unref(parsed);
		return fail(e, "value cannot be written as YAML");
	}
	e->mapping_context = mapping;
	e->simple_key_context = simple_key;
	if (e->pretty && !strcmp(arc_v_gotype_name(v), "time.Time"))
		emit_plain_text(e, arc_v_strptr(parsed), arc_v_strlen(parsed));
	else
		r = emit_node(e, parsed, mapping, simple_key);
	arc_v_unref(parsed);
	return r;
}

static int emit_node(struct em *e, arc_value *v, int mapping, int simple_key)
{
	struct arc_buf *num = &e->num;
	int r = 0;
	if (e->b->over)
		return fail(e, "output too large"); /* a bounded buffer is full (codec.h) */
	e->mapping_context = mapping;
	e->simple_key_context = simple_key;
	switch (arc_v_kind(v)) {
	case ARC_NULL:
		emit_plain_text(e, "null", 4);
		return 0;
	case ARC_BOOL:
		if (v->u.b)
			emit_plain_text(e, "true", 4);
		else
			emit_plain_text(e, "false", 5);
		return 0;
	case ARC_INT: {
		char t[24], *p = t + sizeof(t);
		uint64_t u = (uint64_t)v->u.i;
		int neg = v->gotype != ARC_GO_UINT64 && v->u.i < 0;
		if (neg)
			u = 0 - u;
		do {
			*--p = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		if (neg)
			*--p = '-';
		emit_plain_text(e, p, (size_t)(t + sizeof(t) - p));
		return 0;
	}
	case ARC_FLOAT:
		arc_buf_reset(num);
		if (e->pretty) { /* yaml.v3 floatv: FormatFloat 'g' */
			if (isnan(v->u.f))
				arc_buf_puts(num, ".nan");
			else if (isinf(v->u.f))
				arc_buf_puts(num, v->u.f > 0 ? ".inf" : "-.inf");
			else
				arc_yaml_gofloat(num, v->u.f, 64);
		} else if (isnan(v->u.f) || isinf(v->u.f)) {
			return fail(e, "json: unsupported value");
		} else {
			yaml_float(num, v->u.f);
		}
		emit_plain_text(e, num->ptr, num->len);
		return 0;
	case ARC_STRING:
		return emit_str_value(e, v);
	case ARC_LIST:
	case ARC_MAP:
		if (++e->depth > MAX_DEPTH)
			return fail(e, "value nested too deeply");
		r = arc_v_kind(v) == ARC_LIST ? emit_list(e, v) : emit_map(e, v);
		e->depth--;
		return r;
	case ARC_OBJECT:
		return emit_object(e, v, mapping, simple_key);
	default:
		return fail(e, "value cannot be written as YAML");
	}
}

static int dump(struct arc_buf *b, arc_value *v, int pretty)
{
	struct em e;
	size_t start = b->len;
	memset(&e, 0, sizeof(e));
	e.b = b;
	e.pretty = pretty;
	e.width = pretty ? 0x7FFFFFFF : BEST_WIDTH;
	e.indent = -1;
	e.whitespace = 1;
	e.indention = 1;
	if (emit_node(&e, v, 0, 0)) {
		arc_buf_release(&e.num);
		arc_buf_truncate(b, start);
		return arc_error_code(b->over ? ARC_E_RANGE : ARC_E_TYPE, "toYaml: %s",
				      e.err ? e.err : "cannot write value");
	}
	arc_buf_release(&e.num);
	/* document end: a line break unless at the start of an empty line */
	e.indent = -1;
	write_indent(&e);
	if (b->over) {
		arc_buf_truncate(b, start);
		return arc_error_code(ARC_E_RANGE, "toYaml: output too large");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Remembered output.  Charts often write the same big value again and
 * again (toYaml .Values.x in every template of a loop, or once for a
 * checksum and once for the body).  The output is a function of the value's
 * content alone, so the last few big outputs are kept with the value they
 * came from (a reference, so its address is not reused) and the change
 * epoch of value.h: the value's lists and maps are marked watched, and any
 * change to one of them advances the epoch.  A call for the same value at
 * the same epoch gets the kept text (as the same string value, so a digest
 * of it can be remembered by identity too). */

#define MEMO_SLOTS 4
#define MEMO_MIN_OUT 512            /* smaller outputs are cheaper to write than to keep */
#define MEMO_MAX_OUT ((size_t)1 << 20)
#define MEMO_MAX_DEPTH 64

struct memo {
	arc_value *v;   /* a reference, or NULL for a free slot */
	arc_value *out; /* the text without its last line break */
	uint64_t epoch;
	int pretty, nl; /* nl: the text had a last line break */
};

static _Thread_local struct {
	struct memo slot[MEMO_SLOTS];
	unsigned next;
	int registered;
} memo;

static void memo_free(void)
{
	unsigned i;
	for (i = 0; i < MEMO_SLOTS; i++) {
		arc_v_unref(memo.slot[i].v);
		arc_v_unref(memo.slot[i].out);
		memo.slot[i].v = memo.slot[i].out = NULL;
	}
}

static struct memo *memo_find(arc_value *v, int pretty)
{
	unsigned i;
	uint64_t ep;
	if (arc_v_kind(v) != ARC_LIST && arc_v_kind(v) != ARC_MAP)
		return NULL;
	ep = arc_v_epoch();
	for (i = 0; i < MEMO_SLOTS; i++) {
		struct memo *m = &memo.slot[i];
		if (m->v == v && m->epoch == ep && m->pretty == pretty)
			return m;
	}
	return NULL;
}

/* remember the text written for v: the string value str (borrowed) if not
 * NULL, else a copy of text; len bytes, nl: followed by a line break */
static void memo_put(arc_value *v, int pretty, const char *text, size_t len, int nl, arc_value *str)
{
	struct memo *m;
	uint64_t ep;
	if ((arc_v_kind(v) != ARC_LIST && arc_v_kind(v) != ARC_MAP) || !v->refcnt ||
	    len + (size_t)nl < MEMO_MIN_OUT || len > MEMO_MAX_OUT)
		return;
	ep = arc_v_epoch();
	if (arc_v_watch(v, MEMO_MAX_DEPTH))
		return;
	if (!memo.registered) {
		memo.registered = 1;
		atexit(memo_free); /* only the main thread's slots are freed; others die with it */
	}
	m = &memo.slot[memo.next++ % MEMO_SLOTS];
	arc_v_unref(m->v);
	arc_v_unref(m->out);
	m->v = arc_v_ref(v);
	m->out = str ? arc_v_ref(str) : arc_v_strn(text, len);
	m->epoch = ep;
	m->pretty = pretty;
	m->nl = nl;
}

static int dump_memo(struct arc_buf *b, arc_value *v, int pretty)
{
	size_t start = b->len, n;
	struct memo *m = memo_find(v, pretty);
	int r, nl;
	if (m) {
		arc_buf_add(b, arc_v_strptr(m->out), arc_v_strlen(m->out));
		if (m->nl)
			arc_buf_putc(b, '\n');
		if (b->over) {
			arc_buf_truncate(b, start);
			return arc_error_code(ARC_E_RANGE, "toYaml: output too large");
		}
		return 0;
	}
	r = dump(b, v, pretty);
	if (r)
		return r;
	n = b->len - start;
	nl = n && b->ptr[b->len - 1] == '\n';
	memo_put(v, pretty, b->ptr + start, n - (size_t)nl, nl, NULL);
	return 0;
}

int arc_yaml_dump(struct arc_buf *b, arc_value *v)
{
	return dump_memo(b, v, 0);
}

int arc_yaml_dump_pretty(struct arc_buf *b, arc_value *v)
{
	return dump_memo(b, v, 1);
}

int arc_yaml_dump_value(struct arc_buf *b, arc_value *v, int pretty, arc_value **out)
{
	struct memo *m = memo_find(v, pretty);
	int r, nl;
	size_t len;
	if (m) {
		if (b->max && b->len + arc_v_strlen(m->out) + (size_t)m->nl > b->max) {
			b->over = 1;
			return arc_error_code(ARC_E_RANGE, "toYaml: output too large");
		}
		*out = arc_v_ref(m->out);
		return 0;
	}
	arc_buf_reset(b);
	r = dump(b, v, pretty);
	if (r)
		return r;
	nl = b->len && b->ptr[b->len - 1] == '\n';
	if (nl)
		arc_buf_truncate(b, b->len - 1);
	len = b->len;
	*out = arc_v_str_buf(b);
	memo_put(v, pretty, NULL, len, nl, *out);
	return 0;
}
