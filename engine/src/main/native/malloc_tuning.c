/*
 * Keeps the memory of one training step in the process for the next one (glibc malloc).
 *
 * PyTorch allocates every activation with malloc and frees it when its last handle closes, a few
 * hundred MB per MiniLM step. Left to its defaults, glibc hands much of it back to the kernel between
 * steps: blocks above its (dynamic) mmap threshold are unmapped on free, the main heap is trimmed, and
 * a thread arena's whole 64 MB heaps are unmapped once empty, whatever the trim threshold says, unless
 * the top pad is at least a heap's size. Every page given back is faulted in and zeroed again on the
 * next step: up to 12,000 minor faults and ~100 ms of system time per 16 x 64 step (bench/RESULTS.md).
 *
 * mallopt changes these for the whole process at once; allocations made before keep their place.
 * Written without jni.h: the entry point takes and returns plain C types of the JNI types' sizes.
 */
#include <malloc.h>
#include <stdint.h>

/*
 * dev.plora.engine.runtime.MallocTuning.setParameters(mmapThreshold, trimThreshold, topPad): sets each
 * parameter given as >= 0 (a negative one is left as it is) and returns one bit per parameter that
 * mallopt accepted (1 mmap threshold, 2 trim threshold, 4 top pad).
 */
int32_t Java_dev_plora_engine_runtime_MallocTuning_setParameters(
    void *env, void *cls, int32_t mmap_threshold, int32_t trim_threshold, int32_t top_pad) {
  (void)env;
  (void)cls;
  int32_t accepted = 0;
  if (mmap_threshold >= 0 && mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1) {
    accepted |= 1;
  }
  if (trim_threshold >= 0 && mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1) {
    accepted |= 2;
  }
  if (top_pad >= 0 && mallopt(M_TOP_PAD, top_pad) == 1) {
    accepted |= 4;
  }
  return accepted;
}
