#!/usr/bin/env python3
"""How long a running container takes to serve a model folder that appears in its repository, and to stop
serving one that is deleted: renames a folder holding only model.onnx into models/ (so it appears whole),
polls POST /v2/repository/index every 20 ms until the model is READY, deletes the folder and polls until it
is not. Five rounds.

usage: scripts/model-scans.py HOME PORT   (HOME: the container's folder, started with bin/webaccel start)
"""
import json
import os
import shutil
import sys
import time
import urllib.request


def index(base):
    req = urllib.request.Request(base + "/v2/repository/index", data=b"{}", method="POST")
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)


def ready(base, name):
    return any(e["name"] == name and e["state"] == "READY" for e in index(base))


def main():
    home, port = sys.argv[1], sys.argv[2]
    base = f"http://127.0.0.1:{port}"
    source = os.path.join(home, "models/text-projection-head/1/model.onnx")
    for _ in range(600):  # the container may still be starting: wait until the repository extension answers
        try:
            index(base)
            break
        except OSError:
            time.sleep(0.1)
    for i in range(5):
        name = f"scan-probe-{i}"
        folder = os.path.join(home, "models", name, "1")
        os.makedirs(folder + ".new")
        shutil.copy(source, os.path.join(folder + ".new", "model.onnx"))
        start = time.monotonic()
        os.rename(folder + ".new", folder)
        while not ready(base, name):
            time.sleep(0.02)
        served = time.monotonic() - start
        shutil.rmtree(os.path.join(home, "models", name))
        start = time.monotonic()
        while ready(base, name):
            time.sleep(0.02)
        print(f"{name}: served {served:.2f} s after its folder appeared; "
              f"unloaded {time.monotonic() - start:.2f} s after it was deleted")


if __name__ == "__main__":
    main()
