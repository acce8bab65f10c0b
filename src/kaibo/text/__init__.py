"""Text for the language models: tokenizers (characters, a byte-level BPE trained from scratch, Japanese
morphological splitting for comparison), the bundled bilingual corpus, and reading a learner's own text file."""

from kaibo.text.bpe import BPETokenizer, bpe_training_steps
from kaibo.text.char_tokenizer import CharTokenizer
from kaibo.text.corpus import generate_corpus
from kaibo.text.files import read_text_file
from kaibo.text.tokenizer import Tokenizer, load_tokenizer, save_tokenizer

__all__ = ["BPETokenizer", "CharTokenizer", "Tokenizer", "bpe_training_steps", "generate_corpus", "load_tokenizer",
           "read_text_file", "save_tokenizer"]
