/** Running exported ONNX files in ONNX Runtime (the parity oracle); merged and adapter exports join later. */
package dev.plora.engine.export;
