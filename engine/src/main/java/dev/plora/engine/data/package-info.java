/** Text data: the HuggingFace tokenizer and tokenized batches (datasets, batching and sampling join later). */
package dev.plora.engine.data;
