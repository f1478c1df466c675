// Run in the page by tests/console/test_browser.py: the html lang, the inputs with no label,
// and the lowest contrast ratio (WCAG) of text against its background on the page.
() => {
  const lum = (rgb) => {
    const [r, g, b] = rgb.match(/[0-9.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m); return (x + 0.05) / (y + 0.05); };
  const unlabelled = [...document.querySelectorAll("input, select, textarea")]
    .filter((e) => e.type !== "hidden" && e.labels.length === 0).map((e) => e.name);
  const worst = [...document.querySelectorAll("body, th, td, button, a, dd, dt")]
    .map((e) => { const s = getComputedStyle(e); let bg = s.backgroundColor, n = e;
      while (bg === "rgba(0, 0, 0, 0)" && n.parentElement) { n = n.parentElement; bg = getComputedStyle(n).backgroundColor; }
      if (bg === "rgba(0, 0, 0, 0)") { bg = "rgb(255, 255, 255)"; }
      return ratio(s.color, bg); })
    .reduce((a, b) => Math.min(a, b), 21);
  return {lang: document.documentElement.lang, unlabelled, worst};
}
