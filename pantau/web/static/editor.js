// Clicking a located problem puts the cursor at its line and column in the text.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a.goto");
  if (!link) return;
  event.preventDefault();
  var area = document.getElementById("text"), lines = area.value.split("\n");
  var line = parseInt(link.dataset.line, 10), col = parseInt(link.dataset.col, 10), pos = 0;
  for (var i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
  pos += Math.max(0, col - 1);
  area.focus();
  area.setSelectionRange(pos, pos);
  area.scrollTop = Math.max(0, (line - 3) * parseFloat(getComputedStyle(area).lineHeight || "20"));
});
