/* The explorer of docs/explore.md: how deep a product of per-layer factors gets before it overflows in
   float16, bfloat16, float32 and float64, and how fast a product of random n x n matrices grows.
   Plain JavaScript, no library, no request: everything the page shows is computed here. */
(() => {
  "use strict";

  // ---- Number formats ------------------------------------------------------------------------------

  /* Round the double x to the nearest number of a binary format with `bits` stored fraction bits and
     smallest normal exponent eMin, ties to even; subnormals below 2^eMin; inf beyond `largest`. Every
     float16 and bfloat16 number is a double, and so is the exact product of two of them, so rounding
     that product once is what one multiplication in the format gives. */
  function roundToFormat(x, bits, eMin, largest) {
    if (x === 0 || !Number.isFinite(x)) return x;
    const a = Math.abs(x);
    let e = Math.floor(Math.log2(a));
    if (2 ** e > a) e -= 1; // Math.log2 may miss by one next to a power of two
    else if (2 ** (e + 1) <= a) e += 1;
    const quantum = 2 ** (Math.max(e, eMin) - bits); // the spacing of the format's numbers around a
    const scaled = a / quantum; // exact: a division by a power of two, below 2^(bits + 1)
    let n = Math.floor(scaled);
    const rest = scaled - n;
    if (rest > 0.5 || (rest === 0.5 && n % 2 === 1)) n += 1;
    const rounded = n * quantum;
    return Math.sign(x) * (rounded > largest ? Infinity : rounded);
  }

  function ieee(bits, eMax) {
    const eMin = 1 - eMax;
    const largest = (2 - 2 ** -bits) * 2 ** eMax;
    return { largest, smallest: 2 ** (eMin - bits), round: (x) => roundToFormat(x, bits, eMin, largest) };
  }

  const FORMATS = {
    float16: ieee(10, 15),
    bfloat16: ieee(7, 127),
    float32: { ...ieee(23, 127), round: Math.fround }, // the product of two float32s is exact in a double
    float64: { ...ieee(52, 1023), round: (x) => x }, // JavaScript's own arithmetic
  };

  /* The factor stored in the format, then depth products, each rounded to the format. */
  function chain(format, factor, depth) {
    const stored = format.round(factor);
    const values = [1];
    for (let k = 1; k <= depth; k++) values.push(format.round(values[k - 1] * stored));
    return { stored, values };
  }

  /* What happens to a chain by its last depth: inf, 0, stuck at one value, or none of these. */
  function fate(values) {
    for (let k = 1; k < values.length; k++) {
      if (!Number.isFinite(values[k])) return { text: `inf from depth ${k}`, depth: k, kind: "inf" };
      if (values[k] === 0) return { text: `0 from depth ${k}`, depth: k, kind: "zero" };
      if (values[k] === values[k - 1]) {
        return { text: `stuck at ${show(values[k])} from depth ${k - 1}`, depth: k - 1, kind: "stuck" };
      }
    }
    return { text: `finite up to depth ${values.length - 1}`, depth: null, kind: "finite" };
  }

  // ---- Display -------------------------------------------------------------------------------------

  const grouped = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

  /* From 1 to below 10^9 (after rounding): grouped, with 2 decimals unless it is a whole number; otherwise 4 significant
     digits, 1.234e+05. Rounding half away from zero, on the exact value (toFixed, toExponential). */
  function show(x) {
    if (Number.isNaN(x)) return "NaN";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (x === 0) return "0";
    const a = Math.abs(x);
    if (a >= 1 && Number(a.toFixed(2)) < 1e9) {
      const [whole, part] = a.toFixed(2).split(".");
      return (x < 0 ? "-" : "") + grouped(whole) + (Number.isInteger(a) ? "" : `.${part}`);
    }
    const [mantissa, exponent] = x.toExponential(3).split("e");
    return scientific(mantissa, Number(exponent));
  }

  function scientific(mantissa, exponent) {
    return `${mantissa}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }

  /* factor^depth in real numbers, shown like `show`; through logarithms where a double cannot hold it. */
  function showPower(factor, depth) {
    const value = factor ** depth;
    if (value < Infinity && value > 1e-300) return show(value);
    const log = depth * Math.log10(factor);
    let exponent = Math.floor(log);
    let mantissa = (10 ** (log - exponent)).toFixed(3);
    if (mantissa === "10.000") [mantissa, exponent] = ["1.000", exponent + 1];
    return scientific(mantissa, exponent);
  }

  /* The first depth at which factor^depth, in real numbers, leaves the format's range. */
  function exactFate(factor, format, name, deepest) {
    for (let k = 1; k <= deepest; k++) {
      const value = factor ** k;
      if (value > format.largest) return `above ${name}'s largest value from depth ${k}`;
      if (value < format.smallest) return `below ${name}'s smallest value from depth ${k}`;
    }
    return `inside ${name}'s range up to depth ${deepest}`;
  }

  // ---- Random matrices -----------------------------------------------------------------------------

  const rotl = (x, k) => (x << k) | (x >>> (32 - k));

  /* splitmix32: turns the seed into well-mixed 32-bit words, the starting states of the trials. */
  function splitmix32(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x9e3779b9) >>> 0;
      let t = Math.imul(a ^ (a >>> 16), 0x21f0aaad);
      t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
  }

  /* xoshiro128** (Blackman and Vigna): uniform numbers in [0, 1) from four 32-bit words of state. */
  function xoshiro128(state) {
    let [a, b, c, d] = state;
    return () => {
      const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      const t = b << 9;
      c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
      d = rotl(d, 11);
      return result / 4294967296;
    };
  }

  /* Standard normal numbers by the Box-Muller transform, both of each pair, cosine first. */
  function gaussian(uniform) {
    let spare = null;
    return () => {
      if (spare !== null) {
        const z = spare;
        spare = null;
        return z;
      }
      const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
      const angle = 2 * Math.PI * uniform();
      spare = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    };
  }

  /* One trial: log10 ||M_k ... M_1 e_1|| for k = 0, 1, ... with N(0, 1) entries, drawn row by row. The
     vector is rescaled to length 1 after each product (adding the log of its length), so it never
     overflows; entries N(0, sigma^2) add k log10(sigma), exactly. Extended on demand. */
  function trial(n, normal) {
    const v = new Float64Array(n);
    const w = new Float64Array(n);
    v[0] = 1;
    const path = [0];
    return (depth) => {
      while (path.length <= depth) {
        let squares = 0;
        for (let i = 0; i < n; i++) {
          let sum = 0;
          for (let j = 0; j < n; j++) sum += normal() * v[j];
          w[i] = sum;
          squares += sum * sum;
        }
        const length = Math.sqrt(squares);
        for (let i = 0; i < n; i++) v[i] = w[i] / length;
        path.push(path[path.length - 1] + Math.log10(length));
      }
      return path;
    };
  }

  /* Trials for one (n, seed), kept while only sigma, the depth or the number of trials changes. */
  let cache = { key: "", runs: [], words: null };
  function paths(n, seed, count, depth) {
    const key = `${n} ${seed}`;
    if (cache.key !== key) cache = { key, runs: [], words: splitmix32(seed) };
    while (cache.runs.length < count) {
      const words = cache.words;
      cache.runs.push(trial(n, gaussian(xoshiro128([words(), words(), words(), words()]))));
    }
    return cache.runs.slice(0, count).map((run) => run(depth).slice(0, depth + 1));
  }

  const EULER = 0.5772156649015329;

  /* Digamma and trigamma at a positive integer or half-integer (n / 2), in closed form. */
  function digamma(x) {
    const m = Math.floor(x);
    let sum = x === m ? -EULER : -EULER - 2 * Math.LN2;
    for (let k = 1; k < (x === m ? m : m + 1); k++) sum += x === m ? 1 / k : 2 / (2 * k - 1);
    return sum;
  }

  function trigamma(x) {
    const m = Math.floor(x);
    let sum = x === m ? Math.PI ** 2 / 6 : Math.PI ** 2 / 2;
    for (let k = 1; k < (x === m ? m : m + 1); k++) sum -= x === m ? 1 / k ** 2 : 4 / (2 * k - 1) ** 2;
    return sum;
  }

  /* Growth rate of ln ||M_k ... M_1 v|| per product for N(0, sigma^2) entries, and the standard
     deviation of one step: ||M u||^2 / sigma^2 is chi-squared with n degrees of freedom. */
  function theory(n, sigma) {
    const rate = (Math.LN2 + digamma(n / 2)) / 2;
    return { rate: rate + Math.log(sigma), critical: Math.exp(-rate), sd: Math.sqrt(trigamma(n / 2)) / 2 };
  }

  // ---- Drawing -------------------------------------------------------------------------------------

  const SVG = "http://www.w3.org/2000/svg";

  function add(parent, tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  }

  function niceTicks(low, high, count) {
    const raw = (high - low) / count;
    const magnitude = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((s) => s * magnitude).find((s) => s >= raw);
    const ticks = [];
    for (let t = Math.ceil(low / step) * step; t <= high + 1e-9 * step; t += step) ticks.push(Math.round(t / step) * step);
    return ticks;
  }

  /* A chart of log10 values against depth: series are {points: [[x, y]], className}, lines are
     horizontal {y, label, className}, marks are vertical {x, label}. */
  function chart(svg, { depth, low, high, series, lines, marks, label }) {
    const width = Math.max(svg.clientWidth || svg.parentNode.clientWidth || 600, 280);
    const height = Math.round(Math.min(Math.max(width * 0.62, 240), 400));
    const box = { left: 46, right: width - 20, top: 14, bottom: height - 40 };
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("height", height);
    svg.replaceChildren();
    const x = (d) => box.left + ((box.right - box.left) * d) / depth;
    const y = (v) => box.bottom - ((box.bottom - box.top) * (v - low)) / (high - low);
    const axis = add(svg, "g", { class: "ex-axis" });
    for (const t of niceTicks(low, high, 5)) {
      add(axis, "line", { x1: box.left, x2: box.right, y1: y(t), y2: y(t), class: "ex-grid" });
      add(axis, "text", { x: box.left - 6, y: y(t) + 4, "text-anchor": "end" }, String(t));
    }
    for (const t of niceTicks(0, depth, Math.max(2, Math.floor(width / 110)))) {
      add(axis, "line", { x1: x(t), x2: x(t), y1: box.bottom, y2: box.bottom + 5 });
      add(axis, "text", { x: x(t), y: box.bottom + 19, "text-anchor": "middle" }, String(t));
    }
    add(axis, "path", { d: `M${box.left},${box.top}V${box.bottom}H${box.right}`, fill: "none" });
    add(axis, "text", { x: (box.left + box.right) / 2, y: height - 4, "text-anchor": "middle" }, "depth (layers)");
    add(axis, "text", { x: 0, y: 0, transform: `translate(12 ${(box.top + box.bottom) / 2}) rotate(-90)`, "text-anchor": "middle" }, label);
    for (const line of lines) {
      if (line.y < low || line.y > high) continue;
      add(svg, "line", { x1: box.left, x2: box.right, y1: y(line.y), y2: y(line.y), class: line.className });
      const above = y(line.y) - box.top > 18;
      add(svg, "text", { x: box.right - 4, y: y(line.y) + (above ? -5 : 14), "text-anchor": "end", class: "ex-label" }, line.label);
    }
    for (const mark of marks) {
      add(svg, "line", { x1: x(mark.x), x2: x(mark.x), y1: box.top, y2: box.bottom, class: "ex-mark" });
      const left = x(mark.x) > (box.left + box.right) / 2;
      add(svg, "text", { x: x(mark.x) + (left ? -5 : 5), y: box.top + 14, "text-anchor": left ? "end" : "start", class: "ex-label" }, mark.label);
    }
    for (const s of series) {
      const points = s.points.filter(([, v]) => Number.isFinite(v)).map(([d, v]) => `${x(d).toFixed(1)},${y(v).toFixed(1)}`);
      if (points.length) add(svg, "polyline", { points: points.join(" "), class: s.className });
    }
  }

  function range(values, pad = 0.05) {
    const finite = values.filter(Number.isFinite);
    let [low, high] = [Math.min(0, ...finite), Math.max(0, ...finite)];
    if (high - low < 1) [low, high] = [low - 0.5, high + 0.5];
    const margin = (high - low) * pad;
    return [low - margin, high + margin];
  }

  // ---- The page ------------------------------------------------------------------------------------

  const root = document.getElementById("explorer");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const svg = $("ex-chart");
  const deepest = Number($("ex-depth").max); // the table says what happens by this depth
  const FIELDS = ["depth", "factor", "width", "sigma", "trials", "seed"]; // ex-<name>, and ex-<name>-slider
  const settings = {};

  /* Read a number field against its own min, max and step; a bad value is refused with a message. */
  function read(name) {
    const input = $(`ex-${name}`);
    const [min, max, integer] = [Number(input.min), Number(input.max), input.step === "1"];
    const text = input.value.trim();
    const value = Number(text);
    const ok = text !== "" && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
    $(`ex-${name}-error`).textContent = ok ? "" : `Enter ${integer ? "a whole number" : "a number"} from ${input.min} to ${input.max}.`;
    input.setAttribute("aria-invalid", String(!ok));
    if (ok) settings[name] = value;
    return ok;
  }

  function drawChain() {
    const { factor, depth } = settings;
    const name = settings.format;
    const chains = Object.fromEntries(Object.entries(FORMATS).map(([n, f]) => [n, chain(f, factor, deepest)]));
    for (const [n, c] of Object.entries(chains)) {
      const row = root.querySelector(`tr[data-format="${n}"]`);
      row.classList.toggle("ex-chosen", n === name);
      row.querySelector(".ex-stored").textContent = String(Number(c.stored.toPrecision(10)));
      row.querySelector(".ex-product").textContent = show(c.values[depth]);
      row.querySelector(".ex-fate").textContent = fate(c.values).text;
    }
    const exact = root.querySelector('tr[data-format="exact"]');
    exact.querySelector(".ex-stored").textContent = String(factor);
    exact.querySelector(".ex-product").textContent = showPower(factor, depth);
    exact.querySelector(".ex-fate").textContent = exactFate(factor, FORMATS[name], name, deepest);
    $("ex-depth-shown").textContent = String(depth);

    const values = chains[name].values.slice(0, depth + 1);
    const logs = values.map((v) => (v === 0 ? -Infinity : Math.log10(Math.abs(v))));
    const end = depth * Math.log10(factor);
    const format = FORMATS[name];
    const limits = [end, factor > 1 ? Math.log10(format.largest) : factor < 1 ? Math.log10(format.smallest) : 0];
    const [low, high] = range(limits);
    const ends = fate(chains[name].values);
    const marks = ends.depth !== null && ends.depth <= depth
      ? [{ x: ends.depth, label: `${ends.kind === "stuck" ? "stuck" : ends.kind === "inf" ? "inf" : "0"} from ${ends.depth}` }] : [];
    const lines = [
      { y: Math.log10(FORMATS.float16.largest), label: "float16 largest", className: "ex-limit" },
      { y: Math.log10(FORMATS.float32.largest), label: "float32, bfloat16 largest", className: "ex-limit" },
      { y: Math.log10(FORMATS.float64.largest), label: "float64 largest", className: "ex-limit" },
      { y: Math.log10(format.smallest), label: `${name} smallest`, className: "ex-limit" },
    ];
    chart(svg, {
      depth, low, high, lines, marks, label: "log10 |product|",
      series: [
        { points: [[0, 0], [depth, end]], className: "ex-exact" },
        { points: logs.map((v, k) => [k, v]), className: "ex-curve" },
      ],
    });
    const summary = `${factor} per layer in ${name}: ${ends.text}; after ${depth} layers the product is ${show(values[depth])}.`;
    $("ex-summary").textContent = summary;
    svg.setAttribute("aria-label", `Chart of log10 of the product against depth 0 to ${depth}: a line from 0 to ${end.toFixed(1)}, `
      + `dashed for real numbers, solid for ${name}. ${summary}`);
  }

  function drawMatrices() {
    const { width: n, sigma, seed, trials: count, depth } = settings;
    const name = settings.format;
    const shift = Math.log10(sigma);
    const runs = paths(n, seed, count, depth).map((p) => p.map((v, k) => v + k * shift));
    const mean = runs[0].map((_, k) => runs.reduce((s, r) => s + r[k], 0) / count);
    const { rate, critical, sd } = theory(n, sigma);
    const slope = rate / Math.LN10;
    const spread = (k) => (1.645 * sd * Math.sqrt(k)) / Math.LN10;
    const steps = Array.from({ length: depth + 1 }, (_, k) => k);
    const final = runs.map((r) => r[depth]);
    const error = count > 1
      ? Math.sqrt(final.reduce((s, v) => s + (v - mean[depth]) ** 2, 0) / (count - 1) / count) : NaN;
    $("ex-rate").textContent = `${rate.toFixed(4)} per layer (the norm is multiplied by about ${Math.exp(rate).toFixed(3)} per layer)`;
    $("ex-theory").textContent = `${(depth * slope).toFixed(2)}, standard deviation ${(sd * Math.sqrt(depth) / Math.LN10).toFixed(2)}`;
    $("ex-measured").textContent = count > 1 ? `${mean[depth].toFixed(2)} (standard error ${error.toFixed(2)})` : mean[depth].toFixed(2);
    $("ex-critical").textContent = `${critical.toFixed(4)} (${(critical * Math.sqrt(n)).toFixed(4)} / √n)`;
    const limit = Math.log10(FORMATS[name].largest);
    $("ex-cross").textContent = rate > 0
      ? `${name}'s largest value, 10^${limit.toFixed(2)}, at depth ${Math.floor(limit / slope) + 1}`
      : "never: with a growth rate of 0 or below the typical norm does not grow";
    const [low, high] = range([...runs.flat(), depth * slope + spread(depth), depth * slope - spread(depth)]);
    chart(svg, {
      depth, low, high, marks: [], label: "log10 norm",
      lines: [{ y: limit, label: `${name} largest`, className: "ex-limit" }],
      series: [
        ...runs.map((r) => ({ points: r.map((v, k) => [k, v]), className: "ex-trial" })),
        { points: steps.map((k) => [k, k * slope + spread(k)]), className: "ex-band" },
        { points: steps.map((k) => [k, k * slope - spread(k)]), className: "ex-band" },
        { points: [[0, 0], [depth, depth * slope]], className: "ex-theory" },
        { points: mean.map((v, k) => [k, v]), className: "ex-mean" },
      ],
    });
    const summary = `${count} products of ${n} × ${n} matrices, entries N(0, ${sigma}²): mean log10 norm `
      + `${mean[depth].toFixed(2)} after ${depth} layers, theory ${(depth * slope).toFixed(2)}.`;
    $("ex-summary").textContent = summary;
    svg.setAttribute("aria-label", `Chart of log10 of the norm against depth 0 to ${depth}: thin lines for each trial, `
      + `a thick line for their mean, a dashed straight line for the theory. ${summary}`);
  }

  let pending = false;
  function update() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      settings.mode = root.querySelector('input[name="ex-mode"]:checked').value;
      settings.format = root.querySelector('input[name="ex-format"]:checked').value;
      const chainMode = settings.mode === "chain";
      for (const node of root.querySelectorAll("[data-mode]")) node.hidden = node.dataset.mode !== settings.mode;
      const needed = chainMode ? ["depth", "factor"] : ["depth", "width", "sigma", "seed", "trials"];
      const bad = needed.filter((name) => !read(name));
      root.classList.toggle("ex-stale", bad.length > 0);
      if (bad.length) {
        $("ex-summary").textContent = `Not redrawn: ${bad.join(" and ")} needs a valid value (see the message under it).`;
        return;
      }
      (chainMode ? drawChain : drawMatrices)();
    });
  }

  for (const name of FIELDS) {
    const number = $(`ex-${name}`);
    const slider = $(`ex-${name}-slider`);
    number.addEventListener("input", () => {
      if (slider && number.value.trim() !== "" && Number.isFinite(Number(number.value))) slider.value = number.value;
      update();
    });
    if (slider) {
      slider.addEventListener("input", () => {
        number.value = slider.value;
        update();
      });
    }
  }
  for (const radio of root.querySelectorAll('input[type="radio"]')) radio.addEventListener("change", update);
  new ResizeObserver(update).observe(svg.parentNode);
  root.hidden = false;
  update();
})();
