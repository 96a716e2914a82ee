import QRCode from 'qrcode';

/**
 * The QR code (SVG) of a TOTP enrolment's otpauth URI, drawn here: nothing leaves the page. A
 * few milliseconds of CPU, so a flow draws it once, when the enrolment starts, and keeps it with
 * the step (PendingStep.totpQrSvg); the URI, hence the picture, never changes within a flow.
 */
export function drawTotpQr(otpauthUri: string): Promise<string> {
  return QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
}

/** The SVG as the page's image source. */
export const svgDataUrl = (svg: string) => `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
