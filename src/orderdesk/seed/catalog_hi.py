"""Hindi for the demo catalogue's condition questions, their help texts and options (issue 19).

Keyed by the English text in ``seed/catalog.py``, so one entry serves every device type
that asks the same thing. ``seed_catalog`` stores the Hindi beside the English
(``ConditionQuestion.text_hi`` / ``help_text_hi``, ``ConditionOption.label_hi``); a text
missing here is stored blank and the Hindi storefront shows the English one
(``catalog.rules.in_language``). ``seed/tests`` checks that every demo text has its Hindi.
"""

from __future__ import annotations

HINDI: dict[str, str] = {
    # --- questions ---------------------------------------------------------------------
    "Does the phone switch on and make calls?": "क्या फ़ोन चालू होता है और कॉल हो पाती है?",
    "What is the screen like?": "स्क्रीन कैसी है?",
    "What is the body (back and frame) like?": "बॉडी (पीछे का हिस्सा और फ़्रेम) कैसी है?",
    "What is the battery health?": "बैटरी की हालत कैसी है?",
    "Do Face ID / the fingerprint sensor and the cameras work?": (
        "क्या फ़ेस आईडी / फ़िंगरप्रिंट सेंसर और कैमरे काम करते हैं?"
    ),
    "Which original accessories come with it?": "इसके साथ कौन-से असली एक्सेसरीज़ हैं?",
    "Do you have the original purchase bill?": "क्या आपके पास ख़रीद का असली बिल है?",
    "Does the laptop switch on and boot to the desktop?": ("क्या लैपटॉप चालू होकर डेस्कटॉप तक पहुँचता है?"),
    "Do the keyboard and the trackpad work?": "क्या कीबोर्ड और ट्रैकपैड काम करते हैं?",
    "What is the body like?": "बॉडी कैसी है?",
    "How is the battery?": "बैटरी कैसी है?",
    "Does the original charger come with it?": "क्या इसके साथ असली चार्जर है?",
    "Does the Mac switch on and reach the login screen?": (
        "क्या मैक चालू होकर लॉगिन स्क्रीन तक पहुँचता है?"
    ),
    "Is Find My Mac (Activation Lock) turned off?": "क्या Find My Mac (एक्टिवेशन लॉक) बंद है?",
    "Do the keyboard, Touch ID and the trackpad work?": ("क्या कीबोर्ड, टच आईडी और ट्रैकपैड काम करते हैं?"),
    "What is the battery cycle count?": "बैटरी का साइकिल काउंट कितना है?",
    "Does the tablet switch on and respond to touch?": ("क्या टैबलेट चालू होता है और छूने पर चलता है?"),
    "How long does a charge last?": "एक बार चार्ज करने पर कितनी देर चलता है?",
    # --- help texts --------------------------------------------------------------------
    "Try a call with the SIM in: both the microphone and the speaker must work.": (
        "सिम डालकर एक कॉल करके देखें: माइक और स्पीकर दोनों चलने चाहिए।"
    ),
    "Look at it switched on and switched off, in good light.": (
        "अच्छी रोशनी में स्क्रीन को चालू और बंद, दोनों हालत में देखें।"
    ),
    "iPhone: Settings > Battery > Battery Health. Android: the battery section of Settings, "
    "or ask the customer how long a charge lasts.": (
        "iPhone: Settings > Battery > Battery Health. Android: Settings में बैटरी वाला "
        "हिस्सा, या अंदाज़ा लगाएँ कि एक चार्ज कितनी देर चलता है।"
    ),
    "Original accessories only; a third-party charger counts as none.": (
        "सिर्फ़ असली एक्सेसरीज़ गिनी जाती हैं; दूसरी कंपनी का चार्जर नहीं गिना जाता।"
    ),
    "The bill must show the same IMEI or serial number as the device.": (
        "बिल पर वही IMEI या सीरियल नंबर होना चाहिए जो डिवाइस पर है।"
    ),
    "Press every key once; click and scroll on the trackpad.": (
        "हर की एक बार दबाएँ; ट्रैकपैड पर क्लिक और स्क्रॉल करके देखें।"
    ),
    "Lid, base and hinges.": "ढक्कन, नीचे का हिस्सा और कब्ज़े।",
    "Windows: powercfg /batteryreport shows the cycle count.": (
        "Windows: powercfg /batteryreport साइकिल काउंट दिखाता है।"
    ),
    "The customer signs out of iCloud before the pickup; a locked Mac cannot be resold.": (
        "पिकअप से पहले iCloud से साइन आउट करें; लॉक वाला मैक दोबारा नहीं बिक सकता।"
    ),
    "Look for stains on the anti-reflective coating.": ("स्क्रीन की एंटी-रिफ़्लेक्टिव कोटिंग पर दाग़ देखें।"),
    "System Settings > General > About > System Report > Power.": (
        "System Settings > General > About > System Report > Power."
    ),
    # --- options -----------------------------------------------------------------------
    "Yes, it switches on and calls work": "हाँ, चालू होता है और कॉल होती है",
    "No, it does not switch on or cannot call": "नहीं, चालू नहीं होता या कॉल नहीं होती",
    "Flawless, no scratches": "बिलकुल नया जैसा, कोई खरोंच नहीं",
    "A few light scratches": "कुछ हल्की खरोंचें",
    "Heavy scratches": "गहरी खरोंचें",
    "Cracked glass, display works": "काँच टूटा है, डिस्प्ले चलता है",
    "Lines, spots or dead pixels": "लाइनें, धब्बे या डेड पिक्सेल",
    "Like new": "नए जैसी",
    "Light scratches or scuffs": "हल्की खरोंचें या घिसाव",
    "Dents on the frame": "फ़्रेम पर डेंट",
    "Back glass cracked or panel broken": "पीछे का काँच या पैनल टूटा है",
    "85% or more / lasts a full day": "85% या ज़्यादा / पूरा दिन चलती है",
    "80-84% / needs a charge in the evening": "80-84% / शाम तक चार्ज करना पड़ता है",
    "Below 80% / 'Service' message": "80% से कम / 'Service' का संदेश",
    "Everything works": "सब कुछ काम करता है",
    "Face ID or fingerprint does not work": "फ़ेस आईडी या फ़िंगरप्रिंट काम नहीं करता",
    "A camera is faulty or its glass is broken": "कोई कैमरा ख़राब है या उसका काँच टूटा है",
    "Nothing extra": "कुछ नहीं",
    "Original charger": "असली चार्जर",
    "Original charger and box": "असली चार्जर और डिब्बा",
    "Yes, and the device is under brand warranty": "हाँ, और डिवाइस ब्रांड वारंटी में है",
    "Yes, but the warranty has ended": "हाँ, पर वारंटी ख़त्म हो चुकी है",
    "No bill": "बिल नहीं है",
    "Yes": "हाँ",
    "No": "नहीं",
    "Flawless": "बेदाग़",
    "Light scratches or pressure marks": "हल्की खरोंचें या दबाव के निशान",
    "Spots, lines or dead pixels": "धब्बे, लाइनें या डेड पिक्सेल",
    "Cracked or not working": "टूटी है या काम नहीं करती",
    "Some keys do not work": "कुछ की काम नहीं करतीं",
    "The trackpad does not work": "ट्रैकपैड काम नहीं करता",
    "Keys and trackpad faulty": "की और ट्रैकपैड दोनों ख़राब",
    "Scuffs and light scratches": "घिसाव और हल्की खरोंचें",
    "Dents, cracks or a loose hinge": "डेंट, दरार या ढीला कब्ज़ा",
    "Under 300 cycles / lasts 4+ hours": "300 से कम साइकिल / 4+ घंटे चलती है",
    "300-800 cycles / 2-4 hours": "300-800 साइकिल / 2-4 घंटे",
    "Over 800 cycles / under 2 hours": "800 से ज़्यादा साइकिल / 2 घंटे से कम",
    "Works only on the charger": "सिर्फ़ चार्जर लगाकर चलता है",
    "Yes, the original charger": "हाँ, असली चार्जर",
    "A third-party charger": "दूसरी कंपनी का चार्जर",
    "No charger": "चार्जर नहीं है",
    "Yes, it is off": "हाँ, बंद है",
    "No, still signed in": "नहीं, अभी साइन इन है",
    "Coating stains or light scratches": "कोटिंग पर दाग़ या हल्की खरोंचें",
    "Some keys or Touch ID do not work": "कुछ की या टच आईडी काम नहीं करते",
    "The trackpad does not click or track": "ट्रैकपैड क्लिक या ट्रैक नहीं करता",
    "Dents on the corners or the lid": "कोनों या ढक्कन पर डेंट",
    "Under 300": "300 से कम",
    "300-800": "300-800",
    "Over 800 or 'Service recommended'": "800 से ज़्यादा या 'Service recommended'",
    "Yes, the original adapter and cable": "हाँ, असली अडैप्टर और केबल",
    "Lines, spots or touch not working": "लाइनें, धब्बे या टच काम नहीं करता",
    "Bent or dented": "मुड़ी हुई या डेंट वाली",
    "A full day of use": "पूरे दिन चलती है",
    "Half a day": "आधा दिन",
    "A couple of hours or less": "दो-एक घंटे या कम",
    "Original stylus (Apple Pencil, S Pen…)": "असली स्टाइलस (Apple Pencil, S Pen…)",
    "Original keyboard cover": "असली कीबोर्ड कवर",
}


def hindi(english: str) -> str:
    """The Hindi for a demo catalogue text, or "" (the storefront then shows the English)."""
    return HINDI.get(english, "") if english else ""
