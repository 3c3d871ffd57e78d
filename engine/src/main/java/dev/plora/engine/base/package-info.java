/**
 * Ground utilities every other engine package may use and that use nothing of the engine: atomic
 * file writes, PyTorch-owned arrays, the JSON mapper of plora's own file formats, and the size
 * limits that untrusted inputs are checked against before anything is allocated for them.
 */
package dev.plora.engine.base;
