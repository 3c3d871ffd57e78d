/*
 * Lets Intel MKL pick its kernels by what the CPU can do instead of who made it.
 *
 * libtorch links oneMKL statically and calls its SGEMM for every fp32 matmul and linear. MKL asks
 * mkl_serv_intel_cpu_true() whether the CPU is Intel's; on any other vendor it answers no and MKL runs
 * its generic AVX2 kernels even where the CPU has AVX-512 (an AVX-512 AMD EPYC: ~85 GFLOP/s per core
 * instead of ~195 for a [4096, 384] x [384, 1536] SGEMM). MKL still checks each instruction-set
 * feature by CPUID after this answer, so a CPU without AVX-512 keeps getting kernels it can run.
 *
 * libtorch_cpu.so calls the function through its PLT and binds it lazily, at the first call, looking
 * in the process's global scope before its own symbols. The JVM loads this library RTLD_LOCAL, so
 * JNI_OnLoad promotes it to the global scope; it must run before the first MKL call of the process.
 * Written without jni.h: the two entry points take and return plain C types of the same size.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

static volatile int64_t intel_cpu_queries;

int mkl_serv_intel_cpu_true(void) {
  __atomic_add_fetch(&intel_cpu_queries, 1, __ATOMIC_RELAXED);
  return 1;
}

/* dev.plora.engine.runtime.MklCpuDispatch.queries(): how often MKL asked, i.e. whether the answer took. */
int64_t Java_dev_plora_engine_runtime_MklCpuDispatch_queries(void *env, void *cls) {
  (void)env;
  (void)cls;
  return __atomic_load_n(&intel_cpu_queries, __ATOMIC_RELAXED);
}

int32_t JNI_OnLoad(void *vm, void *reserved) {
  (void)vm;
  (void)reserved;
  Dl_info self;
  if (dladdr((void *)&mkl_serv_intel_cpu_true, &self) && self.dli_fname != NULL) {
    dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
  }
  return 0x00010008; /* JNI_VERSION_1_8 */
}
