"""Text at the byte level: cleaning raw article text, and splitting it into sentences.

Both are vectorised over numpy views of the UTF-8 bytes so that they keep pace with the
extractor; neither needs downloaded NLTK data.
"""
