"""Text for the language models: tokenizers (characters, a byte-level BPE trained from scratch, Japanese
morphological splitting for comparison), the bundled bilingual corpus, and reading a learner's own text file."""
