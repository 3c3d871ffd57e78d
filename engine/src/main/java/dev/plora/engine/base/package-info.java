/**
 * Ground utilities every other engine package may use and that use nothing of the engine: atomic
 * file writes, PyTorch-owned arrays, the JSON mapper of plora's own file formats.
 */
package dev.plora.engine.base;
