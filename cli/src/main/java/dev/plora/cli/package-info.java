/**
 * The {@code plora} command line: one class per subcommand, each a thin layer over one engine call.
 */
package dev.plora.cli;
