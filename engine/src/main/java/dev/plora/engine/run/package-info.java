/**
 * The engine's entry points, which the CLI, the services and the tests all call: discover a mask
 * plan, train a run, open a trained run, evaluate it. Each takes a configuration record and returns
 * a result record; each writes its outputs atomically.
 */
package dev.plora.engine.run;
