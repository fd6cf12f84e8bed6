"""Small text models run with numpy alone: a WordPiece tokenizer and a MiniLM encoder."""
