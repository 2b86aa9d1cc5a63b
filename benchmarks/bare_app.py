"""The bare Flask app the pages are compared with: ``/`` answers ``ok``, and Flask's own
static route serves careerkg's static files (run by :class:`benchmarks.measure_http.BareFlaskServer`
under the same server and settings as ``careerkg serve``)."""

from importlib.resources import files

from flask import Flask

app = Flask(__name__, static_folder=str(files("careerkg.server").joinpath("static")))


@app.route("/")
def ok():
    return "ok"
