"""Photos: reading their words, opening them safely, making their derivatives.

No Flask and no store here (the store records what these modules produce):

- `metadata`: alt text, caption and credit from XMP, IPTC IIM and EXIF, in a documented order.
- `opening`: type sniffing, decompression-bomb and size limits, damaged files, conversion to sRGB.
- `derivatives`: the widths and formats readers are sent, stripped of all metadata.
- `storage`: where originals and derivatives live in the instance folder (content-addressed).
- `pipeline`: one file → one stored photo or one clear error; many files in a process pool.
"""
