/** File handling shared by every writer: atomic replacement, so no reader ever sees a half-written file. */
package dev.plora.engine.io;
