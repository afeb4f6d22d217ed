"""The web app with its media in a bucket of a real S3 server: a photo's derivative and an
audio clip (whole and by Range) come from the bucket with today's headers, and nothing of the
media is written to the instance folder."""

from __future__ import annotations

import io

from PIL import Image

from reader.web import create_app


def test_photos_and_audio_are_served_from_the_bucket(s3_env, instance):
    place = s3_env.new_place()
    bucket, prefix = place.removeprefix("s3://").split("/", 1)
    app = create_app({"TESTING": True, "LOAD_SAMPLE_IF_EMPTY": True, "MEDIA_URL": place},
                     instance=instance)
    client = app.test_client()
    s3 = s3_env.client()

    def in_bucket(name: str) -> bytes:  # the oracle: the object as the S3 server holds it
        return s3.get_object(Bucket=bucket, Key=f"{prefix}/{name}")["Body"].read()

    slug = app.extensions["library"].list()[0].slug
    doc = client.get(f"/api/galleries/{slug}").get_json()
    item = next(it for it in doc["items"] if it["image"])
    image = item["image"]
    r = client.get(image["src"])
    assert r.status_code == 200 and r.mimetype == "image/jpeg"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Accept-Ranges"] == "bytes" and r.headers.get("ETag")
    key = image["src"].split("/")[2]
    assert r.data == in_bucket(f"images/derived/{key[:2]}/{key}/v1/{image['width']}.jpg")
    assert Image.open(io.BytesIO(r.data)).size == (image["width"], image["height"])
    again = client.get(image["src"], headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and not again.data

    audio = item["speech"]["audio"]
    whole = client.get(audio)
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg"
    assert whole.headers["X-Speech-Cache"] == "miss"
    assert whole.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert whole.data[:3] == b"ID3" or whole.data[0] == 0xFF
    assert len(whole.data) > 2000
    stored = [o for o in s3.list_objects_v2(Bucket=bucket, Prefix=f"{prefix}/audio/")["Contents"]
              if o["Key"].endswith(".mp3")]
    assert [o["Size"] for o in stored] == [len(whole.data)]
    assert in_bucket(stored[0]["Key"].removeprefix(f"{prefix}/")) == whole.data

    part = client.get(audio, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.data == whole.data[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(whole.data)}"
    tail = client.get(audio, headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.data == whole.data[-100:]
    assert tail.headers["X-Speech-Cache"] == "hit"
    beyond = client.get(audio, headers={"Range": f"bytes={len(whole.data) + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(whole.data)}"

    # Nothing of the media is on the local disk: the instance folder holds the library, its
    # key and the quota's index only.
    local = {p.relative_to(instance).parts[0] for p in instance.rglob("*") if p.is_file()}
    assert not local & {"images", "audio", "exports"}, local
