/* CSV record splitting (RFC 4180 quoting without line breaks inside quotes). */
#include "tap/basic.h"
#include <ballast/io.h>
#include <string.h>

int main(void)
{
  char *f[16];
  int   pos[16], ecol = 0, n;
  char  l1[] = "a,b,,d";
  char  l2[] = "\"x,y\",\"say \"\"hi\"\"\",z";
  char  l3[] = "\"open,b";
  char  l4[] = "a\"b,c";
  char  l5[] = "\"ab\"c,d";
  char  l6[] = "";
  plan(14);
  n = BallastCSVSplit(l1, f, pos, 16, &ecol);
  is_int(4, n, "four fields, one empty");
  is_string("", f[2], "empty field is empty");
  is_int(6, pos[3], "fourth field starts at character 6");
  n = BallastCSVSplit(l2, f, pos, 16, &ecol);
  is_int(3, n, "quoted comma does not split");
  is_string("x,y", f[0], "quotes removed");
  is_string("say \"hi\"", f[1], "doubled quote is one quote");
  is_string("z", f[2], "field after quoted fields");
  is_int(-1, BallastCSVSplit(l3, f, pos, 16, &ecol), "unterminated quote is an error");
  is_int(1, ecol, "... at the field's first character");
  is_int(-1, BallastCSVSplit(l4, f, pos, 16, &ecol), "quote inside an unquoted field is an error");
  is_int(2, ecol, "... at the quote");
  is_int(-1, BallastCSVSplit(l5, f, pos, 16, &ecol), "text after a closing quote is an error");
  n = BallastCSVSplit(l6, f, pos, 16, &ecol);
  is_int(1, n, "an empty line is one empty field");
  char many[] = "1,2,3,4,5";
  is_int(-2, BallastCSVSplit(many, f, pos, 3, &ecol), "more fields than allowed is reported");
  return 0;
}
