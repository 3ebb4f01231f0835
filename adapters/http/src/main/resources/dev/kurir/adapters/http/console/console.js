// The kurir console's only script: times in the browser's zone, and the overview's refresh.
"use strict";
document.querySelectorAll("time[datetime]").forEach(function (element) {
  var at = new Date(element.getAttribute("datetime"));
  if (!isNaN(at.getTime())) {
    element.textContent = at.toLocaleString();
    element.title = element.getAttribute("datetime");
  }
});
var main = document.querySelector("main[data-refresh-seconds]");
if (main) {
  var seconds = parseInt(main.getAttribute("data-refresh-seconds"), 10);
  if (seconds > 0) {
    setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
}
