"""JSON with Vietnamese letters as they are (UTF-8), not as \\u escapes: readable in any client."""

from __future__ import annotations

import json

from ninja.renderers import JSONRenderer


class Utf8JSONRenderer(JSONRenderer):
    def render(self, request, data, *, response_status):
        return json.dumps(
            data, cls=self.encoder_class, ensure_ascii=False, **self.json_dumps_params
        )
