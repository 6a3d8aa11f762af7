"""HTML pages of city operations (一网统管): the centre's console, callback list and
knowledge base (``centre``), the handler's queue, the event page and the supervisor's board
(``work``), the citizen's reports (``citizen``), the map, the integrator's page and the
landing (``overview``). Thin: each parses its form, calls one service or selector, renders."""
