"""Writes the TorchScript module behind plora's fused attention (FusedAttention, AttentionFusion).

DJL 0.36 exposes no scaled_dot_product_attention; a scripted module calling it is the way to reach
PyTorch's fused kernel (and its backward) from the JVM. The archive holds only TorchScript source and
empty pickles, so it is small and loads in the libtorch DJL ships (2.7.1) though written by a newer torch.

Usage (from the repository root, in the project's .venv):
  .venv/bin/python engine/src/build/make-attention-module.py \
      engine/src/main/resources/dev/plora/engine/runtime/ops/attention.pt
"""
import sys

import torch


class Attention(torch.nn.Module):
    def forward(self, q: torch.Tensor, kt: torch.Tensor, v: torch.Tensor, mask: torch.Tensor,
                scale: torch.Tensor) -> torch.Tensor:
        # kt is K already transposed to [batch, heads, head_dim, seq], as the exported graph has it.
        return torch.nn.functional.scaled_dot_product_attention(
            q, kt.transpose(-2, -1), v, attn_mask=mask, scale=float(scale))


if __name__ == "__main__":
    torch.jit.script(Attention()).save(sys.argv[1])
