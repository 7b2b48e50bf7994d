// Runs before the page paints: tells NHS.UK frontend's CSS that JavaScript is on.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
