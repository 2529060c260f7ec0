"""The cluster landscape of the landing page: data read from the graph, drawn as SVG."""
