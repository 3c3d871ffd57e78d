/**
 * Reading safetensors files (adapters, masks, checkpoints) with every size in the header checked
 * against the file before anything is allocated: plora's own bounded reader, used instead of DJL's
 * decoder, which trusts the header. Writing stays with DJL ({@code NDList.encode}).
 */
package dev.plora.engine.safetensors;
