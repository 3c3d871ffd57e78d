# Shared by bench/train-vs-peft.sh and bench/train-marginal.sh (sourced after root and threads are set):
# the environment the transformers + PEFT peer runs in. Stock torch, as a PEFT user runs it, unless
# PEER_MKL_ANY_VENDOR=1 preloads plora's MKL vendor helper (MklCpuDispatch, built by the engine) into it.
# Sets: helper (the helper's path), peer_env (VAR=value words for env), peer_label.
helper="$root/engine/target/classes/dev/plora/engine/runtime/native/libplora_mkl_cpu_dispatch.so"
# The malloc settings plora's engine makes in-process (MallocTuning), so neither side pays page faults
# the other does not; the peer had these (minus the top pad) from the scripts' environment before.
peer_env=(OMP_NUM_THREADS="$threads"
  GLIBC_TUNABLES="glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=2147483647:glibc.malloc.top_pad=67108864")
peer_label="stock torch"
if [[ "${PEER_MKL_ANY_VENDOR:-0}" == 1 ]]; then
  [[ -f "$helper" ]] || { echo "$(basename "$0"): no $helper (the engine build makes it)" >&2; exit 2; }
  peer_env+=(LD_PRELOAD="$helper")
  peer_label="torch with the MKL vendor helper preloaded"
fi
