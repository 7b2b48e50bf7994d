// The network map: pairs that rated each other (who works with whom, never how a pair rated
// each other), nodes coloured by kind and sized by received value where it is published.
// Data comes from a JSON script element (not executed), so no inline script is needed.
(function () {
  const data = document.getElementById("network-data");
  const container = document.getElementById("network-map");
  if (!data || !container || typeof cytoscape === "undefined") return;
  const graph = JSON.parse(data.textContent);
  const colours = { practice: "#005eb8", pcn: "#007f3b", federation: "#330072", lmc: "#7c2855" };
  const elements = [];
  graph.nodes.forEach((n) => {
    elements.push({ data: { id: String(n.id), label: n.label, colour: colours[n.kind] || "#4c6272",
      size: n.value === null ? 24 : 16 + (n.value - 1) * 14 } });
  });
  graph.edges.forEach((e) => {
    elements.push({ data: { id: e.source + "-" + e.target, source: String(e.source),
      target: String(e.target), width: 2, colour: "#768692" } });
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
