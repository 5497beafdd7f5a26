// Text files imported verbatim into the bundle (shell scripts kept as real .sh files so
// shellcheck reads them directly).
declare module '*?raw' {
  const content: string;
  export default content;
}
