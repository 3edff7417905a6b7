// coach's page: files the app hands over (the doctor's report) arrive as a request to open
// a /download/ address in a new tab. A new tab opened that late after a key press is what
// popup blockers stop, so a download is started here, in this tab, instead.
(function () {
    const openWindow = window.open.bind(window);
    window.open = function (url, target, features) {
        const address = new URL(String(url), window.location.href);
        if (address.origin === window.location.origin && address.pathname.startsWith("/download/")) {
            const link = document.createElement("a");
            link.href = address.href;
            link.download = "";
            document.body.appendChild(link);
            link.click();
            link.remove();
            return null;
        }
        return openWindow(url, target, features);
    };
})();

// Keys go to the app from the moment it has drawn, without a click into the page first:
// the terminal takes the keyboard focus then (and again when the window gets it back).
// The app starts believing it has no focus, and shows its keys at the bottom only once
// told otherwise: taking the focus tells it.
(function () {
    function focusTerminal() {
        const field = document.querySelector(".xterm-helper-textarea");
        if (field !== null && document.body.classList.contains("-first-byte")) {
            field.focus();
        }
    }
    document.addEventListener("DOMContentLoaded", function () {
        const watcher = new MutationObserver(function () {
            if (document.body.classList.contains("-first-byte")) {
                watcher.disconnect();
                focusTerminal();
            }
        });
        watcher.observe(document.body, { attributes: true, attributeFilter: ["class"] });
    });
    window.addEventListener("focus", focusTerminal);
})();
