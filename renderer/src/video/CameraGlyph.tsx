// A small video-camera mark inside the alarm's video number (beside its marker, on its board row and
// its tiles): a number in a square with a camera is "this alarm's cameras", never a cluster's count,
// which is a number in a circle.
export function CameraGlyph() {
  return (
    <svg className="camera-glyph" viewBox="0 0 16 10" aria-hidden="true" focusable="false">
      <rect x="0.5" y="1" width="10" height="8" rx="1.5" />
      <path d="M11.5 4 L15.5 1.5 L15.5 8.5 L11.5 6 Z" />
    </svg>
  );
}
