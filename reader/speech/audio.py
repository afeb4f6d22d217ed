"""Audio bytes: WAV (stdlib `wave`) and MP3 (`lameenc`, which ships LAME in its wheel).

The engine gives 16-bit mono PCM. MP3 is what every current browser plays. A raw MP3 stream
decodes a little longer than its source (the encoder's delay and the last frame's padding,
about 60 ms at 22 kHz), so we put a standard Xing "Info" frame with a LAME tag in front:
decoders that honour it (browsers, mpg123/libsndfile, ffmpeg) trim the delay and padding and
play exactly the samples the engine made.
"""

from __future__ import annotations

import io
import struct
import wave

MP3_BITRATE = 48  # kbit/s: clear speech in mono at 22 kHz, about 6 KB per second
# LAME's algorithm choice, 2 (slowest) … 7 (fastest). Measured on seed speech at 48 kbit/s:
# 7 encodes in half the time of 5 and decodes no further from the source.
MP3_QUALITY = 7
_LAME_ENCODER_DELAY = 576  # samples LAME puts in front (what lame_get_encoder_delay reports)


def wav_bytes(samples: bytes, sample_rate: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(samples)
    return buf.getvalue()


def flac_bytes(samples: bytes, sample_rate: int, comment: str | None = None) -> bytes:
    """FLAC (lossless) of 16-bit mono PCM (libsndfile, in the soundfile wheel), with
    ``comment`` in its Vorbis comment block (`flac_header` reads it back)."""
    import numpy as np
    import soundfile

    buf = io.BytesIO()
    # The highest compression level: about 5% smaller, still far faster than the engine.
    with soundfile.SoundFile(buf, "w", sample_rate, 1, "PCM_16", format="FLAC",
                             compression_level=1.0) as f:
        if comment:
            f.comment = comment
        f.write(np.frombuffer(samples, dtype="<i2"))
    return buf.getvalue()


def flac_header(head: bytes) -> tuple[int, int, list[str]]:
    """(sample rate, samples, Vorbis comments) from a FLAC file's first bytes (its metadata
    blocks), without decoding it; ValueError if they are not there."""
    if head[:4] != b"fLaC":
        raise ValueError("not a FLAC file")
    at, rate, frames, comments = 4, None, None, []
    while at + 4 <= len(head):
        last, kind = head[at] >> 7, head[at] & 0x7F
        length = int.from_bytes(head[at + 1:at + 4], "big")
        block = head[at + 4:at + 4 + length]
        if len(block) < length:
            break
        if kind == 0:  # STREAMINFO
            bits = int.from_bytes(block[10:18], "big")
            rate, frames = bits >> 44, bits & ((1 << 36) - 1)
        elif kind == 4:  # VORBIS_COMMENT (little-endian lengths)
            pos = 4 + int.from_bytes(block[:4], "little")
            count = int.from_bytes(block[pos:pos + 4], "little")
            pos += 4
            for _ in range(count):
                n = int.from_bytes(block[pos:pos + 4], "little")
                comments.append(block[pos + 4:pos + 4 + n].decode("utf-8", "replace"))
                pos += 4 + n
        at += 4 + length
        if last:
            break
    if rate is None:
        raise ValueError("a FLAC file without its STREAMINFO block")
    return rate, frames, comments


def read_flac(source, start: int = 0, frames: int = -1) -> tuple[bytes, int]:
    """(16-bit mono samples, sample rate) of a FLAC file (a path or a file object), from
    sample ``start``, ``frames`` of them (-1: to the end); ValueError if it is not one."""
    import soundfile

    try:
        with soundfile.SoundFile(source) as f:
            if f.channels != 1:
                raise ValueError("not mono")
            if start:
                f.seek(start)
            return f.read(frames, dtype="int16").astype("<i2").tobytes(), f.samplerate
    except (soundfile.LibsndfileError, RuntimeError) as e:
        raise ValueError(f"not a FLAC file: {e}") from e


def read_wav(data: bytes) -> tuple[bytes, int]:
    """(16-bit mono samples, sample rate) of a WAV file's bytes; ValueError if it is not one."""
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2:
                raise ValueError("not 16-bit mono")
            frames = w.readframes(w.getnframes())
            if len(frames) != w.getnframes() * 2:
                raise ValueError("the file is shorter than its header says")
            return frames, w.getframerate()
    except (wave.Error, EOFError) as e:
        raise ValueError(f"not a WAV file: {e}") from e


def mp3_bytes(samples: bytes, sample_rate: int) -> bytes:
    """MP3 of 16-bit mono PCM, with a gapless-playback (Xing/LAME) header frame."""
    import lameenc

    enc = lameenc.Encoder()
    enc.set_bit_rate(MP3_BITRATE)
    enc.set_in_sample_rate(sample_rate)
    enc.set_channels(1)
    enc.set_quality(MP3_QUALITY)
    stream = bytes(enc.encode(samples)) + bytes(enc.flush())
    return _with_info_frame(stream, len(samples) // 2)


class Mp3Stream:
    """One LAME stream fed piece by piece (no gap or padding between the pieces), for a
    file whose total length is known before it is encoded: `info_frame` comes first, then
    what `encode` and `flush` return, in order."""

    def __init__(self, sample_rate: int):
        import lameenc

        self.rate = sample_rate
        self._enc = lameenc.Encoder()
        self._enc.set_bit_rate(MP3_BITRATE)
        self._enc.set_in_sample_rate(sample_rate)
        self._enc.set_channels(1)
        self._enc.set_quality(MP3_QUALITY)

    def encode(self, samples: bytes) -> bytes:
        return bytes(self._enc.encode(samples)) if samples else b""

    def flush(self) -> bytes:
        return bytes(self._enc.flush())


def predicted_size(n_samples: int, sample_rate: int) -> tuple[int, int]:
    """(frames, bytes) LAME makes of ``n_samples`` at our constant bit rate (MPEG-2/2.5,
    below 32 kHz): one frame per 576 samples started, plus two (the encoder delay and the
    flush), each 72 × bit rate / sample rate bytes, the fraction paid by a padding byte
    every so often: LAME pads a frame whenever its running remainder goes below zero, never
    the first (its `slot_lag`). Checked against the encoder in
    tests/speech/test_gallery_stream.py."""
    if sample_rate >= 32000:
        raise ValueError(f"{sample_rate} Hz: the stream size is predicted for MPEG-2 rates")
    frames = -(-n_samples // 576) + 2
    whole, fraction = divmod(72 * MP3_BITRATE * 1000, sample_rate)
    padded = -(-((frames - 1) * fraction) // sample_rate)
    return frames, frames * whole + padded


def info_frame(sample_rate: int, n_samples: int) -> bytes:
    """The Xing/LAME frame for a stream of ``n_samples`` (its size predicted), to put in
    front of it before it is encoded."""
    frames, size = predicted_size(n_samples, sample_rate)
    probe = Mp3Stream(sample_rate)
    first = probe.encode(b"\x00\x00" * 1152) + probe.flush()
    return _info_frame(first[:4], n_samples, frames, size)


# -- the Xing/LAME "Info" frame ------------------------------------------------------------
_BITRATES = {  # kbit/s by index: MPEG-1 layer III, MPEG-2/2.5 layer III
    1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
_RATES = {3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000]}


def _frame_info(header: bytes) -> tuple[int, int, int, int, int]:
    """(version bits, sample rate, samples per frame, side-info size, frame length)."""
    h = int.from_bytes(header[:4], "big")
    if h >> 21 != 0x7FF or (h >> 17) & 3 != 1:
        raise ValueError("not an MPEG layer III frame")
    version = (h >> 19) & 3
    mpeg1 = version == 3
    bitrate = _BITRATES[1 if mpeg1 else 2][(h >> 12) & 15] * 1000
    rate = _RATES[version][(h >> 10) & 3]
    padding = (h >> 9) & 1
    mono = (h >> 6) & 3 == 3
    per_frame = 1152 if mpeg1 else 576
    side = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    length = (144 if mpeg1 else 72) * bitrate // rate + padding
    return version, rate, per_frame, side, length


def _frames(stream: bytes) -> int:
    n = pos = 0
    while pos + 4 <= len(stream):
        length = _frame_info(stream[pos:pos + 4])[4]
        pos += length
        n += 1
    return n


def _crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16 (LAME's, polynomial 0x8005 reflected) of the tag frame's first bytes."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _with_info_frame(stream: bytes, n_samples: int) -> bytes:
    if len(stream) < 4:
        return stream
    return _info_frame(stream[:4], n_samples, _frames(stream), len(stream)) + stream


def _info_frame(header: bytes, n_samples: int, n_frames: int, stream_bytes: int) -> bytes:
    """The tag frame for a stream whose first frame header is ``header``."""
    version, _rate, per_frame, side, _ = _frame_info(header)
    # The tag frame: same version, rate and mode as the stream, no padding, a bit rate large
    # enough to hold the tag (index 6 = 48 kbit/s MPEG-2, 80 kbit/s MPEG-1).
    h = bytearray(header[:4])
    h[2] = (h[2] & 0x0D) | (6 << 4)  # bit-rate index 6, padding bit cleared (keep rate, priv)
    h[1] |= 1  # no CRC
    length = _frame_info(bytes(h))[4]
    frame = bytearray(length)
    frame[:4] = h
    at = 4 + side
    total_bytes = length + stream_bytes
    frame[at:at + 16] = b"Info" + struct.pack(">III", 0x3, n_frames, total_bytes)
    lame = at + 16
    padding = n_frames * per_frame - _LAME_ENCODER_DELAY - n_samples
    padding = max(0, min(padding, 0xFFF))
    tag = bytearray(36)
    tag[0:9] = b"LAME3.100"
    tag[9] = 0x01  # tag revision 0, CBR
    tag[20] = MP3_BITRATE if MP3_BITRATE < 255 else 255
    tag[21:24] = ((_LAME_ENCODER_DELAY << 12) | padding).to_bytes(3, "big")
    tag[28:32] = struct.pack(">I", total_bytes)
    # tag[32:34], the CRC of the music data, stays 0: no player checks it and it would cost
    # more than the encoding (a Python loop over every byte).
    frame[lame:lame + 36] = tag
    frame[lame + 34:lame + 36] = struct.pack(">H", _crc16(bytes(frame[:lame + 34])))
    del version
    return bytes(frame)


def duration(samples: bytes, sample_rate: int) -> float:
    return len(samples) / 2 / sample_rate
