# lit configuration for kiln: IR round-trips and verifiers (tests/ir), passes
# (tests/passes), the ONNX importer and the driver (tests/frontends, tests/tools).
#
# Substitutions:
#   %kiln, %kiln-opt    the tools under test
#   %fixtures           ONNX fixtures made by tests/fixtures/make_fixtures.py,
#                       regenerated (deterministically) once per lit run
#   %python             the Python that has onnx/numpy/torch
#   %compare_npy        tests/e2e/compare_npy.py GOT WANT [--rtol R --atol A]
#   %check_symbols      tests/e2e/check_symbols.py OBJECT: only libc/libm undefined
#   %runtime_include, %runtime_lib, %kiln_src   for building C examples
import os
import subprocess

import lit.formats

config.name = "kiln"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "fixtures", "unit", "conformance", "CMakeLists.txt",
                   "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "tests")

config.environment["PATH"] = os.pathsep.join(
    [config.kiln_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
if config.sanitizers:
    config.available_features.add("sanitizers")
    # Leak checks stay on; container-overflow reports are false positives when
    # instrumented code meets the uninstrumented LLVM/protobuf libraries.
    config.environment["ASAN_OPTIONS"] = "detect_container_overflow=0"
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1"

fixtures = os.path.join(config.test_exec_root, "fixtures")
subprocess.check_call([config.python,
                       os.path.join(config.test_source_root, "fixtures", "make_fixtures.py"),
                       fixtures], stdout=subprocess.DEVNULL)

config.substitutions.append(("%fixtures", fixtures))
config.substitutions.append(("%kiln_src", config.kiln_src_root))
config.substitutions.append(("%runtime_include",
                             os.path.join(config.kiln_src_root, "runtime", "include")))
config.substitutions.append(("%runtime_lib",
                             os.path.join(config.kiln_obj_root, "lib", "libkiln_runtime.a")))
# C programs that link the (possibly instrumented) runtime library.
config.substitutions.append(("%runtime_link_flags",
                             "-fsanitize=address,undefined" if config.sanitizers else ""))
config.substitutions.append(("%compare_npy",
                             config.python + " " + os.path.join(config.test_source_root, "e2e", "compare_npy.py")))
config.substitutions.append(("%check_symbols",
                             config.python + " " + os.path.join(config.test_source_root, "e2e", "check_symbols.py")))
config.substitutions.append(("%python", config.python))

# One feature per operator the importer supports (`kiln ops`), named
# `onnx-op-OPTYPE`, so that a model test can say `REQUIRES: onnx-op-LeakyRelu`
# while another helper's operator is still on its way.
_ops = subprocess.run([os.path.join(config.kiln_tools_dir, "kiln"), "ops"],
                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
for _op in _ops.stdout.split():
    config.available_features.add("onnx-op-" + _op)
