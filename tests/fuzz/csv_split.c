/* Fuzz the CSV record splitter (RFC 4180 quoting) on a buffer: BallastCSVSplit. */
#include "fuzz_common.h"
#include <ballast/io.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_init();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *line = malloc(size + 1), *fields[64];
  int   col[64], errcol = 0;
  if (!line) return 0;
  memcpy(line, data, size);
  line[size] = 0;
  int n = BallastCSVSplit(line, fields, col, 64, &errcol);
  for (int i = 0; i < n && i < 64; i++) /* every field lies inside the line */
    if (fields[i] < line || fields[i] > line + size || col[i] < 1) abort();
  free(line);
  return 0;
}
