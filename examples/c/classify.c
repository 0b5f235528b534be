/* classify.c - call a model compiled by `kiln compile --emit=shared` (or
 * obj/lib) from C, through its generated header.
 *
 *   kiln compile examples/lenet/lenet.onnx --name lenet --emit=shared -o out
 *   cc -Iout -Iruntime/include examples/c/classify.c -Lout -llenet \
 *      build/release/lib/libkiln_runtime.a -lstdc++ -lm -o classify
 *   ./classify examples/lenet/input.npy
 *
 * The model is called directly with plain float buffers; the runtime is used
 * only to read the .npy input file.
 */
#include "lenet.h"

#include "kiln/npy.h"

#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s INPUT.npy\n", argv[0]);
    return 1;
  }
  char error[256];
  kiln_tensor_t *input = NULL;
  if (kiln_npy_read(argv[1], &input, error, sizeof error) != KILN_STATUS_OK) {
    fprintf(stderr, "%s\n", error);
    return 1;
  }
  if (kiln_tensor_dtype(input) != KILN_DTYPE_F32 ||
      kiln_tensor_element_count(input) != LENET_INPUT_0_ELEMENTS) {
    fprintf(stderr, "%s: expected %d float32 values for input '%s'\n",
            argv[1], LENET_INPUT_0_ELEMENTS, LENET_INPUT_0_NAME);
    kiln_tensor_release(input);
    return 1;
  }

  float scores[LENET_OUTPUT_0_ELEMENTS];
  /* Every intermediate tensor lives in this arena, at offsets planned at
   * compile time: the model itself never allocates. */
  static _Alignas(LENET_SCRATCH_ALIGNMENT) unsigned char
      scratch[LENET_SCRATCH_BYTES];
  lenet_run((const float *)kiln_tensor_const_data(input), scores, scratch);
  kiln_tensor_release(input);

  int best = 0;
  for (int i = 0; i < LENET_OUTPUT_0_ELEMENTS; ++i) {
    printf("%s[%d] = %.6f\n", LENET_OUTPUT_0_NAME, i, scores[i]);
    if (scores[i] > scores[best])
      best = i;
  }
  printf("prediction: %d\n", best);
  return 0;
}
