// The network map: mutual ties in bands, nodes coloured by kind and sized by received value.
// Data comes from a JSON script element (not executed), so no inline script is needed.
(function () {
  const data = document.getElementById("network-data");
  const container = document.getElementById("network-map");
  if (!data || !container || typeof cytoscape === "undefined") return;
  const graph = JSON.parse(data.textContent);
  const colours = { practice: "#005eb8", pcn: "#007f3b", federation: "#330072", lmc: "#7c2855" };
  const widths = { weak: 1, moderate: 4, strong: 8 };
  const edgeColours = { weak: "#d5281b", moderate: "#768692", strong: "#007f3b" };
  const elements = [];
  graph.nodes.forEach((n) => {
    elements.push({ data: { id: String(n.id), label: n.label, colour: colours[n.kind] || "#4c6272",
      size: n.value === null ? 24 : 16 + (n.value - 1) * 14 } });
  });
  graph.edges.forEach((e) => {
    elements.push({ data: { id: e.source + "-" + e.target, source: String(e.source),
      target: String(e.target), width: widths[e.band], colour: edgeColours[e.band] } });
  });
  cytoscape({
    container: container,
    elements: elements,
    layout: { name: "cose", animate: false, randomize: false },
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(label)",
        width: "data(size)", height: "data(size)", "font-size": 10, "text-wrap": "wrap",
        "text-max-width": 90 } },
      { selector: "edge", style: { width: "data(width)", "line-color": "data(colour)",
        "curve-style": "bezier" } },
    ],
  });
  container.setAttribute("data-rendered", "true");
})();
