// The page configuration that the server renders into the page as JSON (see static.go).
export const config = JSON.parse(document.getElementById('accord-config').textContent);
