"""Reads {"ModelClassName": body, ...} as JSON on stdin and writes back, for each, what the
official SDK (alibabacloud-dataworks-public20240518) makes of it: Model().from_map(body)
.to_map(). A field the SDK's model does not name (a misspelt key) is dropped there, and a
list the model has is always written: comparing the two proves dwctl's shapes
(src/api/shapes.rs) name every field as the SDK does."""
import json
import sys

from alibabacloud_dataworks_public20240518 import models

bodies = json.load(sys.stdin)
out = {}
for name, body in bodies.items():
    out[name] = getattr(models, name)().from_map(body).to_map()
json.dump(out, sys.stdout)
