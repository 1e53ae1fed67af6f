// insider serve: fold Datasette's list of column descriptions into a closed <details>, so a
// table page opens on its rows and the help stays one click away.
document.addEventListener("DOMContentLoaded", function () {
  var dl = document.querySelector("dl.column-descriptions");
  if (!dl) return;
  var details = document.createElement("details");
  details.className = "insider-help";
  var summary = document.createElement("summary");
  summary.textContent = "What each column means";
  details.appendChild(summary);
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(dl);
});
