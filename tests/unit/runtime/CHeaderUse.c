/*===- CHeaderUse.c - The runtime C API used from strict C99 -------------===*
 *
 * Part of kiln, an ahead-of-time compiler for deep-learning models.
 *
 *===----------------------------------------------------------------------===*
 *
 * Compiled as C99 with -pedantic-errors, so the public headers stay valid C;
 * CHeaderTest.cpp runs the function below, the way a compiled model's C
 * caller would use the runtime.
 *
 *===----------------------------------------------------------------------===*/

#include "kiln/runtime.h"

#include <string.h>

int kilnTestRoundTripFromC(const char *path, char *error, size_t error_size);
int kilnTestModelFromC(char *error, size_t error_size);

/* Returns 0, or the number of the first step that failed. */
int kilnTestRoundTripFromC(const char *path, char *error, size_t error_size) {
  const int64_t dims[2] = {2, 2};
  const float values[4] = {1.0f, -2.0f, 0.5f, 8.0f};
  kiln_tensor_t *tensor = NULL;
  kiln_tensor_t *copy = NULL;
  int failedStep = 0;

  if (kiln_tensor_create(KILN_DTYPE_F32, 2, dims, &tensor) != KILN_STATUS_OK)
    return 1;
  memcpy(kiln_tensor_data(tensor), values, sizeof(values));
  if (kiln_npy_write(path, tensor, error, error_size) != KILN_STATUS_OK)
    failedStep = 2;
  else if (kiln_npy_read(path, &copy, error, error_size) != KILN_STATUS_OK)
    failedStep = 3;
  else if (kiln_tensor_dtype(copy) != KILN_DTYPE_F32 ||
           kiln_tensor_rank(copy) != 2 || kiln_tensor_dims(copy)[1] != 2 ||
           kiln_tensor_byte_size(copy) != sizeof(values) ||
           memcmp(kiln_tensor_const_data(copy), values, sizeof(values)) != 0)
    failedStep = 4;
  else if (strcmp(kiln_status_name(KILN_STATUS_DATA_LOSS), "DATA_LOSS") != 0 ||
           kiln_dtype_size(KILN_DTYPE_F32) != 4)
    failedStep = 5;
  /* C may pass any int as an enum; C++ callers cannot express these. */
  else if (strcmp(kiln_status_name((kiln_status_t)-1), "UNKNOWN") != 0 ||
           kiln_dtype_size((kiln_dtype_t)-1) != 0 ||
           strcmp(kiln_dtype_name((kiln_dtype_t)-7), "unknown") != 0)
    failedStep = 6;
  else {
    kiln_tensor_t *invalid = (kiln_tensor_t *)&failedStep;
    if (kiln_tensor_create((kiln_dtype_t)-3, 2, dims, &invalid) !=
            KILN_STATUS_INVALID_ARGUMENT ||
        invalid != NULL)
      failedStep = 7;
  }
  kiln_tensor_release(copy);
  kiln_tensor_release(tensor);
  return failedStep;
}

/* A compiled model as generated code would define it in C: y = 2 * x, with
 * the intermediate x + x kept in the scratch arena. */
static void doubleRunPacked(void **buffers) {
  const float *x = buffers[0];
  float *y = buffers[1];
  float *sum = buffers[2];
  int i;
  for (i = 0; i < 4; ++i)
    sum[i] = x[i] + x[i];
  for (i = 0; i < 4; ++i)
    y[i] = sum[i];
}
static const int64_t doubleDims[2] = {2, 2};
static const kiln_io_info_t doubleInputs[1] = {
    {"x", KILN_DTYPE_F32, 2, doubleDims}};
static const kiln_io_info_t doubleOutputs[1] = {
    {"y", KILN_DTYPE_F32, 2, doubleDims}};
static const kiln_model_info_t doubleInfo = {
    KILN_MODEL_ABI_VERSION,
    "double",
    NULL,
    1,
    1,
    doubleInputs,
    doubleOutputs,
    doubleRunPacked,
    0,
    NULL,
    0,
    0,
    /*scratch_bytes=*/4 * sizeof(float),
    /*scratch_alignment=*/64,
};

/* Returns 0, or the number of the first step that failed. */
int kilnTestModelFromC(char *error, size_t error_size) {
  const float values[4] = {1.0f, -2.0f, 0.5f, 8.0f};
  kiln_tensor_t *x = NULL;
  const kiln_tensor_t *inputs[1];
  kiln_tensor_t *outputs[1] = {NULL};
  int failedStep = 0;

  if (kiln_tensor_create(KILN_DTYPE_F32, 2, doubleDims, &x) != KILN_STATUS_OK)
    return 1;
  memcpy(kiln_tensor_data(x), values, sizeof(values));
  inputs[0] = x;
  if (kiln_model_check_input(&doubleInfo, 0, x, error, error_size) !=
      KILN_STATUS_OK)
    failedStep = 2;
  else if (kiln_model_run(&doubleInfo, inputs, outputs, error, error_size) !=
           KILN_STATUS_OK)
    failedStep = 3;
  else if (kiln_tensor_element_count(outputs[0]) != 4 ||
           ((const float *)kiln_tensor_const_data(outputs[0]))[3] != 16.0f)
    failedStep = 4;
  else {
    /* Its weights are embedded, so there is no file to map. */
    kiln_weights_t *weights = (kiln_weights_t *)&failedStep;
    if (kiln_weights_map(&doubleInfo, "double.weights", &weights, NULL, 0) !=
            KILN_STATUS_INVALID_ARGUMENT ||
        weights != NULL)
      failedStep = 5;
    kiln_weights_release(weights);
  }
  kiln_tensor_release(outputs[0]);
  kiln_tensor_release(x);
  return failedStep;
}
