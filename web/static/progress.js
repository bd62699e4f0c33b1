// Solve job page: poll the job's JSON once a second, show status, objective and bound over
// time, and cancel without leaving the page. Without JavaScript the page and its cancel form
// still work (reload to refresh).
(function () {
  "use strict";
  var root = document.getElementById("job");
  if (!root) return;
  var url = root.dataset.url;
  var finished = { succeeded: true, failed: true, cancelled: true };
  var points = []; // {t: seconds since the page opened, objective, bound}
  var opened = Date.now();
  var SVG = "http://www.w3.org/2000/svg";

  function byId(id) { return document.getElementById(id); }

  function shown(value, digits) {
    if (value === null || value === undefined) return "—";
    return Number(value).toLocaleString(undefined, { maximumFractionDigits: digits });
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function svgElement(name, attributes, text) {
    var element = document.createElementNS(SVG, name);
    Object.keys(attributes).forEach(function (key) { element.setAttribute(key, attributes[key]); });
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function draw() {
    var svg = byId("job-chart");
    var values = [];
    points.forEach(function (p) {
      if (p.objective !== null) values.push(p.objective);
      if (p.bound !== null) values.push(p.bound);
    });
    if (!svg || values.length === 0) return;
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    if (high === low) { high += 1; low -= 1; }
    var last = Math.max(1, points[points.length - 1].t);
    function x(t) { return (40 + 350 * t / last).toFixed(1); }
    function y(v) { return (140 - 130 * (v - low) / (high - low)).toFixed(1); }
    function line(key) {
      return points.filter(function (p) { return p[key] !== null; })
        .map(function (p) { return x(p.t) + "," + y(p[key]); }).join(" ");
    }
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.appendChild(svgElement("line", { x1: 40, y1: 140, x2: 390, y2: 140, stroke: "#999" }));
    svg.appendChild(svgElement("line", { x1: 40, y1: 10, x2: 40, y2: 140, stroke: "#999" }));
    svg.appendChild(svgElement("text", { x: 0, y: 14, "font-size": 10 }, shown(high, 0)));
    svg.appendChild(svgElement("text", { x: 0, y: 140, "font-size": 10 }, shown(low, 0)));
    svg.appendChild(svgElement("text", { x: 360, y: 150, "font-size": 10 }, shown(last, 0) + " s"));
    svg.appendChild(svgElement("polyline", { "class": "objective", points: line("objective") }));
    svg.appendChild(svgElement("polyline", { "class": "bound", points: line("bound") }));
  }

  function show(job) {
    var status = byId("job-status");
    status.textContent = job.status;
    status.className = "status s-" + job.status;
    var bar = byId("job-progress");
    bar.value = job.progress;
    bar.textContent = Math.round(100 * job.progress) + "%";
    byId("job-objective").textContent = shown(job.objective, 2);
    byId("job-bound").textContent = shown(job.best_bound, 2);
    byId("job-gap").textContent = job.gap === null ? "—" : (100 * job.gap).toFixed(1) + "%";
    byId("job-cancel-note").textContent =
      job.cancel_requested && !finished[job.status] ? "(cancel requested)" : "";
    if (job.objective !== null || job.best_bound !== null) {
      var previous = points[points.length - 1];
      if (!previous || previous.objective !== job.objective || previous.bound !== job.best_bound) {
        points.push({ t: (Date.now() - opened) / 1000, objective: job.objective, bound: job.best_bound });
        draw();
      }
    }
    var error = byId("job-error");
    error.hidden = !job.error;
    error.textContent = job.error || "";
    if (job.result_roster_id !== null) {
      byId("job-result-link").href = root.dataset.rosterBase + job.result_roster_id;
      byId("job-result").hidden = false;
    }
    var cancel = byId("job-cancel-form");
    if (cancel && finished[job.status]) cancel.hidden = true;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (!finished[job.status]) window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }

  var form = byId("job-cancel-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = byId("job-cancel");
      button.disabled = true;
      fetch(url + "/cancel", {
        method: "POST",
        headers: { Accept: "application/json", "X-CSRF-Token": csrfToken() },
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); })
        .then(function (body) { if (body && body.status) show(body); })
        .finally(function () { button.disabled = false; });
    });
  }
  poll();
})();
